// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {
    AccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/AccessControlDefaultAdminRules.sol";
import {Time} from "@openzeppelin/contracts/utils/types/Time.sol";
import {ISealtrailDeviceRegistry} from "./interfaces/ISealtrailDeviceRegistry.sol";

/**
 * @title SealtrailDeviceRegistry
 * @author Sealtrail
 * @notice Registry of Sealtrail device keys and their lifecycle (registered, revoked, rotated), with times, so that
 * an auditor or a contract can ask whether a reading's signing key was valid when the reading was made.
 *
 * @dev Separate from {SealtrailAnchor}: keys are managed by a provisioning service with its own registrar role,
 * not by the gateways' anchorer keys, and either contract can be redeployed without touching the other's history.
 *
 * Times are stored as `uint48` (OpenZeppelin's {Time} width, good for millions of years) so that the registration
 * time, the revocation time and the rotation predecessor of a device share one storage slot, which is all that
 * {isActiveAt} reads. They are returned as `uint64`, like the timestamps of {SealtrailAnchor}.
 *
 * The contract is deliberately not upgradeable: a new version is a new deployment.
 */
contract SealtrailDeviceRegistry is ISealtrailDeviceRegistry, AccessControlDefaultAdminRules {
    /// @dev Lifecycle of one device key. The first three fields share a slot (6 + 6 + 20 bytes).
    struct Device {
        uint48 registeredAt;
        uint48 revokedAt;
        address rotatedFrom;
        address rotatedTo;
        bytes32 metadataHash;
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    bytes32 public constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    mapping(address device => Device) private _devices;

    /**
     * @notice Deploys the registry with its default admin and initial registrars.
     * @dev Granting the registrar roles here lets the admin be an account that does not deploy (a multisig).
     * @param initialDelay Delay, in seconds, of a default admin transfer (see {AccessControlDefaultAdminRules}).
     * @param initialDefaultAdmin The default admin: grants and revokes the registrar role.
     * @param initialRegistrars The accounts that get {REGISTRAR_ROLE}.
     */
    constructor(
        uint48 initialDelay,
        address initialDefaultAdmin,
        address[] memory initialRegistrars
    ) AccessControlDefaultAdminRules(initialDelay, initialDefaultAdmin) {
        for (uint256 i = 0; i < initialRegistrars.length; ++i) {
            _grantRole(REGISTRAR_ROLE, initialRegistrars[i]);
        }
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function register(address device, bytes32 metadataHash) external onlyRole(REGISTRAR_ROLE) {
        uint48 timestamp = Time.timestamp();
        _register(device, metadataHash, address(0), timestamp);
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function revoke(address device) external onlyRole(REGISTRAR_ROLE) {
        uint48 timestamp = Time.timestamp();
        _revoke(device, timestamp);
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function rotate(address oldDevice, address newDevice, bytes32 newMetadataHash) external onlyRole(REGISTRAR_ROLE) {
        uint48 timestamp = Time.timestamp();
        // Registering first makes `rotate(d, d)` fail as "already registered" rather than "revoked".
        _register(newDevice, newMetadataHash, oldDevice, timestamp);
        _revoke(oldDevice, timestamp);
        _devices[oldDevice].rotatedTo = newDevice;
        emit DeviceRotated(oldDevice, newDevice, msg.sender, timestamp);
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function isActiveAt(address device, uint64 timestamp) external view returns (bool) {
        return _isActiveAt(device, timestamp);
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function isActive(address device) external view returns (bool) {
        return _isActiveAt(device, block.timestamp);
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function registeredAt(address device) external view returns (uint64) {
        return _devices[device].registeredAt;
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function revokedAt(address device) external view returns (uint64) {
        return _devices[device].revokedAt;
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function rotatedFrom(address device) external view returns (address) {
        return _devices[device].rotatedFrom;
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function rotatedTo(address device) external view returns (address) {
        return _devices[device].rotatedTo;
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function metadataHashOf(address device) external view returns (bytes32) {
        return _devices[device].metadataHash;
    }

    /// @inheritdoc ISealtrailDeviceRegistry
    function deviceRecord(address device) external view returns (DeviceRecord memory) {
        Device storage record = _devices[device];
        return
            DeviceRecord({
                registeredAt: record.registeredAt,
                revokedAt: record.revokedAt,
                rotatedFrom: record.rotatedFrom,
                rotatedTo: record.rotatedTo,
                metadataHash: record.metadataHash
            });
    }

    /**
     * @notice Whether this contract implements `interfaceId` (ERC-165), including {ISealtrailDeviceRegistry}.
     * @param interfaceId The ERC-165 interface identifier.
     * @return True if the interface is supported.
     */
    function supportsInterface(bytes4 interfaceId) public view virtual override returns (bool) {
        return interfaceId == type(ISealtrailDeviceRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @dev Registers a never-registered `device` at `timestamp`, then emits {DeviceRegistered}.
    function _register(address device, bytes32 metadataHash, address predecessor, uint48 timestamp) private {
        if (device == address(0)) {
            revert SealtrailDeviceRegistryZeroAddress();
        }
        Device storage record = _devices[device];
        if (record.revokedAt != 0) {
            revert SealtrailDeviceRegistryDeviceRevoked(device, record.revokedAt);
        }
        if (record.registeredAt != 0) {
            revert SealtrailDeviceRegistryAlreadyRegistered(device, record.registeredAt);
        }
        record.registeredAt = timestamp;
        record.rotatedFrom = predecessor;
        record.metadataHash = metadataHash;
        emit DeviceRegistered(device, msg.sender, metadataHash, timestamp);
    }

    /// @dev Revokes the active `device` at `timestamp`, then emits {DeviceRevoked}.
    function _revoke(address device, uint48 timestamp) private {
        Device storage record = _devices[device];
        if (record.registeredAt == 0) {
            revert SealtrailDeviceRegistryUnknownDevice(device);
        }
        if (record.revokedAt != 0) {
            revert SealtrailDeviceRegistryDeviceRevoked(device, record.revokedAt);
        }
        record.revokedAt = timestamp;
        emit DeviceRevoked(device, msg.sender, timestamp);
    }

    /// @dev Active on `[registeredAt, revokedAt)`; never registered means never active.
    function _isActiveAt(address device, uint256 timestamp) private view returns (bool) {
        Device storage record = _devices[device];
        uint256 registered = record.registeredAt;
        uint256 revoked = record.revokedAt;
        return registered != 0 && timestamp >= registered && (revoked == 0 || timestamp < revoked);
    }
}
