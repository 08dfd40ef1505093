# Multi-stage: build a static binary, ship it alone on a distroless base as a non-root user.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pointsmarket ./cmd/pointsmarket

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pointsmarket /usr/local/bin/pointsmarket
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/pointsmarket"]
CMD ["serve"]
