import type { DeviceClient } from "../clients/deviceClient.ts";
import { describeConnectFailure } from "./describeConnectFailure.ts";

/**
 * Remembers why the latest CONNECT of any of the fleet's clients failed. Devices retry forever with
 * backoff, as firmware does; only the fleet (and `sealtrail sim`) can tell that nobody ever got online,
 * and then it must say why instead of "online 0/3".
 */
export class ConnectFailures {
  private lastReason: string | undefined;

  /** The latest failure's reason, e.g. `ECONNREFUSED 127.0.0.1:1883`; undefined when none failed. */
  get last(): string | undefined {
    return this.lastReason;
  }

  /** Returns `client`, its connect() now recording each rejection before passing it on. */
  watch<C extends DeviceClient>(client: C): C {
    const connect = client.connect.bind(client);
    client.connect = async (options) => {
      try {
        await connect(options);
      } catch (error) {
        this.lastReason = describeConnectFailure(error);
        throw error;
      }
    };
    return client;
  }
}
