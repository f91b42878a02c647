// The MongoDB store's public API.
export { MongoStore, type MongoStoreOptions } from "./MongoStore.ts";
export { DURABLE_WRITE } from "./transactions.ts";
