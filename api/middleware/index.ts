export { accessLog } from "./accessLog.ts";
export { errorHandler } from "./errorHandler.ts";
export { methodNotAllowed } from "./methodNotAllowed.ts";
export { notFound } from "./notFound.ts";
export { MIN_ADMIN_TOKEN_LENGTH, requireAdminToken } from "./requireAdminToken.ts";
export { requireJsonBody } from "./requireJsonBody.ts";
