# Build a static reportbot binary with the report embedded, and run it as a
# non-root user in a minimal image. cmd/reportbot/dockerfile_test.go checks
# that the build stage's command works as written and that every path copied
# exists.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/reportbot ./cmd/reportbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/reportbot /usr/local/bin/reportbot
USER nonroot:nonroot
ENV REPORTBOT_LISTEN=:8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 CMD ["/usr/local/bin/reportbot", "health"]
ENTRYPOINT ["/usr/local/bin/reportbot"]
CMD ["serve"]
