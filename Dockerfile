# syntax=docker/dockerfile:1
#
# opsbot container image: a static Go binary on distroless, as uid 65532.
#   docker build -t opsbot .
#   docker run --env-file .env -v opsbot-data:/data -p 8080:8080 opsbot
# No HEALTHCHECK: Railway ignores it (railway.json sets the deploy
# healthcheck); elsewhere probe GET /healthz (alive) or /readyz (ready).

# ---- build: the same commands as .ci/run ----
FROM golang:1.26 AS build
WORKDIR /src
# The image pins GOTOOLCHAIN=local: golang:1.26 must be >= the go line in go.mod.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
# Pure Go throughout (the embedded FerretDB uses modernc.org/sqlite), so the
# binary is static and runs on an image without libc.
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/opsbot . \
 && install -d -m 0700 -o 65532 -g 65532 /rootfs/data

# ---- run: distroless static (CA certificates, tzdata, /etc/passwd with nonroot) ----
FROM gcr.io/distroless/static-debian12:nonroot
# /data: mode 0700, owned by nonroot (65532), so a fresh named volume inherits it.
COPY --from=build /rootfs/ /
COPY --from=build /out/opsbot /usr/local/bin/opsbot
ENV DATA_DIR=/data \
    HTTP_ADDR=:8080
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/opsbot"]
