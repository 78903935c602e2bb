# Tandem in a container: SQS on 9324, Kafka on 9092, data in /data.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY emulator emulator
COPY kafka-shim kafka-shim
COPY compat-tests/harness compat-tests/harness
COPY scripts scripts
RUN npm ci --no-fund --no-audit && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
ENV TANDEM_HOST=0.0.0.0 TANDEM_DATA_DIR=/data
VOLUME /data
EXPOSE 9324 9092 29092
CMD ["node", "dist/emulator/src/host/main.js"]
