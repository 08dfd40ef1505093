# Multi-stage: build the storefront, embed it in a static binary, ship that alone on a distroless
# base as a non-root user.
FROM node:20-bookworm AS web
WORKDIR /src/storefront
COPY storefront/package.json storefront/package-lock.json ./
RUN npm install --no-audit --no-fund
COPY storefront/ ./
RUN mkdir -p ../internal/web/dist && npx vite build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=web /src/internal/web/dist/app ./internal/web/dist/app
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/pointsmarket ./cmd/pointsmarket

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pointsmarket /usr/local/bin/pointsmarket
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/pointsmarket"]
CMD ["serve"]
