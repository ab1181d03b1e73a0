module reportbot

go 1.26.0

require (
	github.com/longbridgeapp/opencc v0.3.13
	golang.org/x/net v0.62.0
	golang.org/x/text v0.44.0
)

require (
	github.com/liuzl/cedar-go v0.0.0-20170805034717-80a9c64b256d // indirect
	github.com/liuzl/da v0.0.0-20180704015230-14771aad5b1d // indirect
	github.com/sashabaranov/go-openai v1.43.0 // indirect
	github.com/sony/gobreaker/v2 v2.4.0 // indirect
)
