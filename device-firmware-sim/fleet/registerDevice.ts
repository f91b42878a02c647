import type { Address, Hex } from "#protocol";
import { SimError, SimErrorCode } from "../errors.ts";

/** What the fleet runner asks a registrar to register: a device's compressed public key and its label. */
export type DeviceRegistration = { publicKey: Hex; label: string; address: Address };

/** Registers a device with the gateway's registry (idempotent: an already registered key is fine). */
export type RegisterDevice = (device: DeviceRegistration) => Promise<void>;

export type HttpRegistrarOptions = {
  /** Base URL of the API, e.g. `http://127.0.0.1:8080`. */
  apiUrl: string;
  adminToken: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

/**
 * The default registrar: `POST {apiUrl}/api/v1/devices` with the admin bearer token, as an operator's
 * provisioning script does. 201 (new) and 200 (already registered) are both success.
 * @example const register = httpRegistrar({ apiUrl: "http://127.0.0.1:8080", adminToken })
 */
export function httpRegistrar(options: HttpRegistrarOptions): RegisterDevice {
  const url = `${options.apiUrl.replace(/\/+$/, "")}/api/v1/devices`;
  const doFetch = options.fetch ?? fetch;
  return async (device) => {
    let response: Response;
    try {
      response = await doFetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${options.adminToken}` },
        body: JSON.stringify({ publicKey: device.publicKey, label: device.label }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (cause) {
      throw new SimError(SimErrorCode.RegistrationFailed, `cannot reach ${url}`, {
        details: { label: device.label },
        cause,
      });
    }
    if (response.status === 200 || response.status === 201) {
      await response.body?.cancel();
      return;
    }
    const body = (await response.text().catch(() => "")).slice(0, 300);
    throw new SimError(
      SimErrorCode.RegistrationFailed,
      `registering ${device.label} failed: HTTP ${response.status} ${body}`,
      {
        details: { label: device.label, status: response.status },
      },
    );
  };
}
