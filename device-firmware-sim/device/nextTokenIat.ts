/**
 * The iat for the next CONNECT token: the device clock in seconds, but always later than the last token's
 * iat, because the gateway accepts a token only if it is newer than the last one it accepted from that
 * device (replay protection) — so two connects within one second still both succeed.
 * @example nextTokenIat(Date.now() + skewMs, state.lastIat)
 */
export function nextTokenIat(deviceNowMs: number, lastIat: number): number {
  return Math.max(Math.floor(deviceNowMs / 1000), lastIat + 1);
}
