// Hand-written TypeScript views of the two contracts, so that callers get typed methods without a code
// generation step. They mirror contracts/src/interfaces/*.sol plus the OpenZeppelin access-control methods
// we use; contracts/test/*.ts exercises every member through them, which keeps them honest.
import type {
  AddressLike,
  BaseContract,
  BaseContractMethod,
  BigNumberish,
  BytesLike,
  ContractRunner,
  ContractTransactionResponse,
} from "ethers";

type View<A extends unknown[], R> = BaseContractMethod<A, R, R>;
type Send<A extends unknown[], R = void> = BaseContractMethod<A, R, ContractTransactionResponse>;

/** Role management shared by both contracts (OpenZeppelin AccessControlDefaultAdminRules). */
export interface AccessControlMethods {
  DEFAULT_ADMIN_ROLE: View<[], string>;
  hasRole: View<[role: BytesLike, account: AddressLike], boolean>;
  getRoleAdmin: View<[role: BytesLike], string>;
  grantRole: Send<[role: BytesLike, account: AddressLike]>;
  revokeRole: Send<[role: BytesLike, account: AddressLike]>;
  renounceRole: Send<[role: BytesLike, callerConfirmation: AddressLike]>;
  defaultAdmin: View<[], string>;
  defaultAdminDelay: View<[], bigint>;
  pendingDefaultAdmin: View<[], [newAdmin: string, schedule: bigint]>;
  beginDefaultAdminTransfer: Send<[newAdmin: AddressLike]>;
  cancelDefaultAdminTransfer: Send<[]>;
  acceptDefaultAdminTransfer: Send<[]>;
  supportsInterface: View<[interfaceId: BytesLike], boolean>;
}

/** `anchorOf(root)`: ethers returns a Result, readable by position or by name. */
export type AnchorRecord = [timestamp: bigint, anchorer: string] & { timestamp: bigint; anchorer: string };

/** Typed view of a deployed SealtrailAnchor (see docs/contracts.md). */
export interface SealtrailAnchorContract extends BaseContract, AccessControlMethods {
  connect(runner: ContractRunner | null): SealtrailAnchorContract;
  ANCHORER_ROLE: View<[], string>;
  anchor: Send<[root: BytesLike]>;
  /** staticCall gives the number of roots the call would anchor; a transaction's events say which. */
  anchorBatch: Send<[roots: BytesLike[]], bigint>;
  anchoredAt: View<[root: BytesLike], bigint>;
  anchorOf: View<[root: BytesLike], AnchorRecord>;
  verifyInclusion: View<[root: BytesLike, proof: BytesLike[], messageId: BytesLike], boolean>;
  verifyProof: View<[root: BytesLike, proof: BytesLike[], messageId: BytesLike], boolean>;
}

/** `deviceRecord(device)`: the DeviceRecord struct as an ethers Result. */
export type DeviceRecord = [
  registeredAt: bigint,
  revokedAt: bigint,
  rotatedFrom: string,
  rotatedTo: string,
  metadataHash: string,
] & {
  registeredAt: bigint;
  revokedAt: bigint;
  rotatedFrom: string;
  rotatedTo: string;
  metadataHash: string;
};

/** Typed view of a deployed SealtrailDeviceRegistry (see docs/contracts.md). */
export interface SealtrailDeviceRegistryContract extends BaseContract, AccessControlMethods {
  connect(runner: ContractRunner | null): SealtrailDeviceRegistryContract;
  REGISTRAR_ROLE: View<[], string>;
  register: Send<[device: AddressLike, metadataHash: BytesLike]>;
  revoke: Send<[device: AddressLike]>;
  rotate: Send<[oldDevice: AddressLike, newDevice: AddressLike, newMetadataHash: BytesLike]>;
  isActiveAt: View<[device: AddressLike, timestamp: BigNumberish], boolean>;
  isActive: View<[device: AddressLike], boolean>;
  registeredAt: View<[device: AddressLike], bigint>;
  revokedAt: View<[device: AddressLike], bigint>;
  rotatedFrom: View<[device: AddressLike], string>;
  rotatedTo: View<[device: AddressLike], string>;
  metadataHashOf: View<[device: AddressLike], string>;
  deviceRecord: View<[device: AddressLike], DeviceRecord>;
}
