import { Transaction } from "ethers";
import type { Hex } from "#protocol";

/**
 * The gas limit a stored signed transaction was signed with. The anchor record keeps the raw transaction
 * (it is re-broadcast after a restart), so a replacement can read its predecessor's limit from it without
 * another column in the store.
 * @example gasLimitOfRawTx(anchor.rawTx) // 59332n
 */
export function gasLimitOfRawTx(rawTx: Hex): bigint {
  return Transaction.from(rawTx).gasLimit;
}
