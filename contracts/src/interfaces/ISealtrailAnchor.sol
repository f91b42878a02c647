// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title ISealtrailAnchor
 * @author Sealtrail
 * @notice Append-only registry of the Merkle roots of Sealtrail message batches, with on-chain inclusion checks.
 *
 * @dev A batch root is an OpenZeppelin `StandardMerkleTree` root (`standard-v1`, leaf encoding `["bytes32"]`) over
 * message ids, so the leaf of a message id `id` is `keccak256(bytes.concat(keccak256(abi.encode(id))))`.
 *
 * Each anchored root stores the block timestamp of its anchoring and the account that anchored it. A root is never
 * overwritten or removed; the zero root is never anchored, so a timestamp of 0 always means "not anchored".
 *
 * Integrators should depend on this interface rather than on the implementation; implementations report it through
 * ERC-165 (`supportsInterface(type(ISealtrailAnchor).interfaceId)`).
 */
interface ISealtrailAnchor {
    /**
     * @notice Emitted when `root` is anchored for the first time.
     * @dev The root is the first indexed parameter (topic 1), so a verifier can find the anchoring transaction of a
     * root with a single `eth_getLogs` filter on the event signature and the root.
     * @param root The Merkle root that was anchored.
     * @param anchorer The account, holding the anchorer role, that anchored the root.
     * @param timestamp The block timestamp stored for the root.
     */
    event RootAnchored(bytes32 indexed root, address indexed anchorer, uint64 timestamp);

    /**
     * @dev The zero root was given. It is refused because 0 is what an unset value looks like, and because
     * {anchoredAt} reserves 0 for "not anchored".
     */
    error SealtrailAnchorZeroRoot();

    /**
     * @dev `root` is already anchored, since `anchoredAt`. Roots are never overwritten. {anchorBatch} skips such
     * roots instead of reverting.
     */
    error SealtrailAnchorAlreadyAnchored(bytes32 root, uint64 anchoredAt);

    /**
     * @dev {anchorBatch} was called with no roots.
     */
    error SealtrailAnchorEmptyBatch();

    /**
     * @notice Role of the accounts (one per gateway key) allowed to anchor roots.
     * @return The role identifier, `keccak256("ANCHORER_ROLE")`.
     */
    function ANCHORER_ROLE() external view returns (bytes32);

    /**
     * @notice Anchors `root` at the current block timestamp and emits {RootAnchored}.
     * @dev Reverts with {SealtrailAnchorZeroRoot} for the zero root, with {SealtrailAnchorAlreadyAnchored} if the
     * root is already anchored, and with `AccessControlUnauthorizedAccount` if the caller lacks the anchorer role.
     * @param root The Merkle root to anchor.
     */
    function anchor(bytes32 root) external;

    /**
     * @notice Anchors every root of `roots` that is not anchored yet, all at the current block timestamp.
     * @dev Idempotent, so that a gateway can resend a batch whose first transaction may or may not have landed:
     * roots that are already anchored (before this call or earlier in `roots`) are skipped without an event and
     * keep their original timestamp; each newly anchored root emits {RootAnchored}. A zero root anywhere reverts
     * the whole call with {SealtrailAnchorZeroRoot} (it is a caller bug, not a retry), and so does an empty array
     * ({SealtrailAnchorEmptyBatch}).
     * @param roots The Merkle roots to anchor.
     * @return anchoredCount The number of roots this call anchored (those that emitted {RootAnchored}).
     */
    function anchorBatch(bytes32[] calldata roots) external returns (uint256 anchoredCount);

    /**
     * @notice Block timestamp at which `root` was anchored.
     * @param root The Merkle root.
     * @return timestamp The anchoring block timestamp, or 0 if `root` is not anchored.
     */
    function anchoredAt(bytes32 root) external view returns (uint64 timestamp);

    /**
     * @notice Anchoring record of `root`: when, and by which anchorer key.
     * @dev Lets a contract or an auditor single out the roots of an anchorer key later found compromised.
     * @param root The Merkle root.
     * @return timestamp The anchoring block timestamp, or 0 if `root` is not anchored.
     * @return anchorer The account that anchored `root`, or the zero address if it is not anchored.
     */
    function anchorOf(bytes32 root) external view returns (uint64 timestamp, address anchorer);

    /**
     * @notice Whether the message `messageId` is included in the batch of root `root` and that root is anchored.
     * @param root The anchored Merkle root.
     * @param proof The `StandardMerkleTree` proof of the message id, leaf side first.
     * @param messageId The message id, `keccak256` of the raw message bytes.
     * @return True if and only if `root` is anchored and `proof` proves `messageId` against it.
     */
    function verifyInclusion(
        bytes32 root,
        bytes32[] calldata proof,
        bytes32 messageId
    ) external view returns (bool);

    /**
     * @notice Whether `proof` proves the message `messageId` against `root`, whether or not `root` is anchored.
     * @dev For callers that check anchoring separately (for instance against another anchor deployment).
     * @param root The Merkle root.
     * @param proof The `StandardMerkleTree` proof of the message id, leaf side first.
     * @param messageId The message id, `keccak256` of the raw message bytes.
     * @return True if and only if `proof` proves `messageId` against `root`.
     */
    function verifyProof(bytes32 root, bytes32[] calldata proof, bytes32 messageId) external pure returns (bool);
}
