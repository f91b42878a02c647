// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title ISealtrailDeviceRegistry
 * @author Sealtrail
 * @notice On-chain lifecycle of Sealtrail device keys: registration, revocation and rotation, each with its block
 * timestamp, so that anyone can ask whether a device key was valid at a given time.
 *
 * @dev A device is identified by its key's Ethereum address (Sealtrail protocol v1). Every address goes through at
 * most one lifecycle: unknown, then active from its registration, then possibly revoked for good. A revoked address
 * is never registered again, so the answer of {isActiveAt} for a past time never changes.
 *
 * A rotation replaces an active key by a new one in one step: the old key is revoked and the new key registered at
 * the same timestamp, and the two are linked both ways ({rotatedFrom}, {rotatedTo}).
 *
 * Times are block timestamps in seconds (device readings carry milliseconds). An account is active on the
 * half-open interval `[registeredAt, revokedAt)`, so at a rotation's timestamp exactly one of the two keys is active:
 * the new one.
 */
interface ISealtrailDeviceRegistry {
    /**
     * @notice Full lifecycle record of a device key.
     * @param registeredAt Block timestamp of its registration, 0 if never registered.
     * @param revokedAt Block timestamp of its revocation (or rotation out), 0 if not revoked.
     * @param rotatedFrom The key it replaced by rotation, or the zero address.
     * @param rotatedTo The key that replaced it by rotation, or the zero address.
     * @param metadataHash Hash of the device's off-chain metadata given at registration.
     */
    struct DeviceRecord {
        uint64 registeredAt;
        uint64 revokedAt;
        address rotatedFrom;
        address rotatedTo;
        bytes32 metadataHash;
    }

    /**
     * @notice Emitted when `device` is registered, directly or as the new key of a rotation.
     * @param device The registered device address.
     * @param registrar The account, holding the registrar role, that registered it.
     * @param metadataHash Hash of the device's off-chain metadata.
     * @param timestamp The block timestamp stored as its registration time.
     */
    event DeviceRegistered(address indexed device, address indexed registrar, bytes32 metadataHash, uint64 timestamp);

    /**
     * @notice Emitted when `device` is revoked, directly or as the old key of a rotation.
     * @param device The revoked device address.
     * @param registrar The account, holding the registrar role, that revoked it.
     * @param timestamp The block timestamp stored as its revocation time.
     */
    event DeviceRevoked(address indexed device, address indexed registrar, uint64 timestamp);

    /**
     * @notice Emitted when `oldDevice` is replaced by `newDevice`, after the {DeviceRegistered} event of the new
     * key and the {DeviceRevoked} event of the old one.
     * @param oldDevice The key rotated out (revoked at `timestamp`).
     * @param newDevice The key rotated in (registered at `timestamp`).
     * @param registrar The account, holding the registrar role, that rotated the key.
     * @param timestamp The block timestamp of the rotation.
     */
    event DeviceRotated(
        address indexed oldDevice,
        address indexed newDevice,
        address indexed registrar,
        uint64 timestamp
    );

    /**
     * @dev The zero address was given as a device.
     */
    error SealtrailDeviceRegistryZeroAddress();

    /**
     * @dev `device` was registered (at `registeredAt`) and is still active, so it cannot be registered again.
     */
    error SealtrailDeviceRegistryAlreadyRegistered(address device, uint64 registeredAt);

    /**
     * @dev `device` was revoked at `revokedAt`. A revoked address can be neither registered again, nor revoked
     * again, nor rotated.
     */
    error SealtrailDeviceRegistryDeviceRevoked(address device, uint64 revokedAt);

    /**
     * @dev `device` was never registered, so it can be neither revoked nor rotated.
     */
    error SealtrailDeviceRegistryUnknownDevice(address device);

    /**
     * @notice Role of the accounts allowed to register, revoke and rotate device keys.
     * @return The role identifier, `keccak256("REGISTRAR_ROLE")`.
     */
    function REGISTRAR_ROLE() external view returns (bytes32);

    /**
     * @notice Registers `device`, active from the current block timestamp, and emits {DeviceRegistered}.
     * @dev Reverts with {SealtrailDeviceRegistryZeroAddress}, {SealtrailDeviceRegistryAlreadyRegistered},
     * {SealtrailDeviceRegistryDeviceRevoked} (never re-registered), or `AccessControlUnauthorizedAccount`.
     * @param device The device's address (from its secp256k1 public key).
     * @param metadataHash Hash of the device's off-chain metadata (may be zero when there is none).
     */
    function register(address device, bytes32 metadataHash) external;

    /**
     * @notice Revokes `device` from the current block timestamp on, for good, and emits {DeviceRevoked}.
     * @dev Reverts with {SealtrailDeviceRegistryUnknownDevice}, {SealtrailDeviceRegistryDeviceRevoked}, or
     * `AccessControlUnauthorizedAccount`.
     * @param device The device's address.
     */
    function revoke(address device) external;

    /**
     * @notice Replaces the active key `oldDevice` by the new key `newDevice` at the current block timestamp.
     * @dev Registers `newDevice` with `newMetadataHash`, revokes `oldDevice`, links them, and emits
     * {DeviceRegistered}, {DeviceRevoked} and {DeviceRotated}, in that order. Reverts as {register} does for
     * `newDevice` and as {revoke} does for `oldDevice`.
     * @param oldDevice The active key rotated out.
     * @param newDevice The never-registered key rotated in.
     * @param newMetadataHash Metadata hash of the new key (pass the old one to carry it over).
     */
    function rotate(address oldDevice, address newDevice, bytes32 newMetadataHash) external;

    /**
     * @notice Whether `device` was registered and not revoked at time `timestamp`.
     * @dev True if and only if `registeredAt <= timestamp < revokedAt` (no upper bound while not revoked). For a
     * time after the current block the answer reflects the current state, and becomes false if the device is
     * revoked before that time.
     * @param device The device's address.
     * @param timestamp The time, a Unix timestamp in seconds.
     * @return True if the device key was active at `timestamp`.
     */
    function isActiveAt(address device, uint64 timestamp) external view returns (bool);

    /**
     * @notice Whether `device` is registered and not revoked at the current block timestamp.
     * @param device The device's address.
     * @return True if the device key is active now.
     */
    function isActive(address device) external view returns (bool);

    /**
     * @notice Registration time of `device`.
     * @param device The device's address.
     * @return The block timestamp of its registration, or 0 if it was never registered.
     */
    function registeredAt(address device) external view returns (uint64);

    /**
     * @notice Revocation time of `device`.
     * @param device The device's address.
     * @return The block timestamp of its revocation or rotation out, or 0 if it is not revoked.
     */
    function revokedAt(address device) external view returns (uint64);

    /**
     * @notice The key that `device` replaced by rotation.
     * @param device The device's address.
     * @return The previous key, or the zero address if `device` was not registered by a rotation.
     */
    function rotatedFrom(address device) external view returns (address);

    /**
     * @notice The key that replaced `device` by rotation.
     * @param device The device's address.
     * @return The next key, or the zero address if `device` was not rotated out.
     */
    function rotatedTo(address device) external view returns (address);

    /**
     * @notice Metadata hash given at the registration of `device`.
     * @param device The device's address.
     * @return The metadata hash, zero if never registered or registered without metadata.
     */
    function metadataHashOf(address device) external view returns (bytes32);

    /**
     * @notice Full lifecycle record of `device` in one call.
     * @param device The device's address.
     * @return The record; all fields are zero if `device` was never registered.
     */
    function deviceRecord(address device) external view returns (DeviceRecord memory);
}
