# Build a static reportbot binary with the report embedded, and run it as a
# non-root user in a minimal image.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/reportbot ./cmd/reportbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/reportbot /usr/local/bin/reportbot
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/reportbot"]
CMD ["serve"]
