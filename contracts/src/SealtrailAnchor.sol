// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ISealtrailAnchor} from "./interfaces/ISealtrailAnchor.sol";

/**
 * @title SealtrailAnchor
 * @author Sealtrail
 * @notice Append-only registry of Sealtrail batch roots. Gateways anchor the root of every sealed batch; anyone can
 * read when a root was anchored and check a message's inclusion against an anchored root.
 *
 * @dev Each root takes one storage slot: its anchoring timestamp (`uint64`) packed with the anchorer's address, so
 * anchoring a root costs a single fresh `SSTORE`. Nothing can change or delete a stored root.
 *
 * Access control: accounts with {ANCHORER_ROLE} (one per gateway key) anchor; the default admin grants and revokes
 * that role. The default admin itself changes hands only through the two-step, delayed transfer of
 * {AccessControlDefaultAdminRules}.
 *
 * The contract is deliberately not upgradeable: a new version is a new deployment, and roots anchored here stay
 * verifiable here for as long as the chain exists.
 */
contract SealtrailAnchor is ISealtrailAnchor, AccessControlDefaultAdminRules {
    /// @dev Anchoring record of one root; 8 + 20 bytes, one storage slot.
    struct Anchor {
        uint64 timestamp;
        address anchorer;
    }

    /// @inheritdoc ISealtrailAnchor
    bytes32 public constant ANCHORER_ROLE = keccak256("ANCHORER_ROLE");

    mapping(bytes32 root => Anchor) private _anchors;

    /**
     * @notice Deploys the registry with its default admin and initial anchorer keys.
     * @dev Granting the anchorer roles here lets the admin be an account that does not deploy (a multisig).
     * @param initialDelay Delay, in seconds, of a default admin transfer (see {AccessControlDefaultAdminRules}).
     * @param initialDefaultAdmin The default admin: grants and revokes the anchorer role.
     * @param initialAnchorers The accounts that get {ANCHORER_ROLE}.
     */
    constructor(
        uint48 initialDelay,
        address initialDefaultAdmin,
        address[] memory initialAnchorers
    ) AccessControlDefaultAdminRules(initialDelay, initialDefaultAdmin) {
        for (uint256 i = 0; i < initialAnchorers.length; ++i) {
            _grantRole(ANCHORER_ROLE, initialAnchorers[i]);
        }
    }

    /// @inheritdoc ISealtrailAnchor
    function anchor(bytes32 root) external onlyRole(ANCHORER_ROLE) {
        if (root == bytes32(0)) {
            revert SealtrailAnchorZeroRoot();
        }
        uint64 existing = _anchors[root].timestamp;
        if (existing != 0) {
            revert SealtrailAnchorAlreadyAnchored(root, existing);
        }
        _store(root, SafeCast.toUint64(block.timestamp));
    }

    /// @inheritdoc ISealtrailAnchor
    function anchorBatch(bytes32[] calldata roots) external onlyRole(ANCHORER_ROLE) returns (uint256 anchoredCount) {
        uint256 length = roots.length;
        if (length == 0) {
            revert SealtrailAnchorEmptyBatch();
        }
        uint64 timestamp = SafeCast.toUint64(block.timestamp);
        for (uint256 i = 0; i < length; ++i) {
            bytes32 root = roots[i];
            if (root == bytes32(0)) {
                revert SealtrailAnchorZeroRoot();
            }
            // Skipped rather than refused: a retried batch must succeed and anchor only what is missing.
            if (_anchors[root].timestamp == 0) {
                _store(root, timestamp);
                ++anchoredCount;
            }
        }
    }

    /// @inheritdoc ISealtrailAnchor
    function anchoredAt(bytes32 root) external view returns (uint64 timestamp) {
        return _anchors[root].timestamp;
    }

    /// @inheritdoc ISealtrailAnchor
    function anchorOf(bytes32 root) external view returns (uint64 timestamp, address anchorer) {
        Anchor storage record = _anchors[root];
        return (record.timestamp, record.anchorer);
    }

    /// @inheritdoc ISealtrailAnchor
    function verifyInclusion(
        bytes32 root,
        bytes32[] calldata proof,
        bytes32 messageId
    ) external view returns (bool) {
        return _anchors[root].timestamp != 0 && MerkleProof.verifyCalldata(proof, root, _leaf(messageId));
    }

    /// @inheritdoc ISealtrailAnchor
    function verifyProof(bytes32 root, bytes32[] calldata proof, bytes32 messageId) external pure returns (bool) {
        return MerkleProof.verifyCalldata(proof, root, _leaf(messageId));
    }

    /**
     * @notice Whether this contract implements `interfaceId` (ERC-165), including {ISealtrailAnchor}.
     * @param interfaceId The ERC-165 interface identifier.
     * @return True if the interface is supported.
     */
    function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
        return interfaceId == type(ISealtrailAnchor).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Stores a root known to be new and non-zero, then emits {RootAnchored}.
    function _store(bytes32 root, uint64 timestamp) private {
        _anchors[root] = Anchor({timestamp: timestamp, anchorer: msg.sender});
        emit RootAnchored(root, msg.sender, timestamp);
    }

    /**
     * @dev Leaf of a message id in an OpenZeppelin `StandardMerkleTree` with leaf encoding `["bytes32"]`: the
     * double hash keeps a leaf from ever being mistaken for an inner node (second-preimage resistance).
     */
    function _leaf(bytes32 messageId) private pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(messageId))));
    }
}
