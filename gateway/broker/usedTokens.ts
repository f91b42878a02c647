/**
 * Replay protection for CONNECT tokens: per device, a token is accepted only if its iat is greater than
 * the iat of the last token accepted from that device. A captured token therefore cannot be used again,
 * and a device that reconnects within the same second signs its next token with iat = last + 1
 * (any iat within the ±skew window is accepted). Kept in memory: after a gateway restart a token
 * captured in the last few minutes could be replayed once; it grants no right to sign readings.
 */
export class UsedTokens {
  private readonly lastIat = new Map<string, number>();

  /** Records the token's iat for the device; false when it is not newer than the last one accepted. */
  claim(device: string, iat: number): boolean {
    const last = this.lastIat.get(device);
    if (last !== undefined && iat <= last) return false;
    this.lastIat.set(device, iat);
    return true;
  }
}
