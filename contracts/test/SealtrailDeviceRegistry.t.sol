// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SealtrailDeviceRegistry} from "../src/SealtrailDeviceRegistry.sol";
import {ISealtrailDeviceRegistry} from "../src/interfaces/ISealtrailDeviceRegistry.sol";
import {SealtrailTest} from "./utils/SealtrailTest.sol";

contract SealtrailDeviceRegistryTest is SealtrailTest {
    uint48 private constant ADMIN_DELAY = 2 days;
    uint64 private constant START = 1_750_000_000;
    bytes32 private constant METADATA = keccak256("model=ST-1;serial=0001");

    address private admin = address(0xA11CE);
    address private registrar = address(0x4E6);
    address private device = address(0xD0001);
    address private nextDevice = address(0xD0002);

    SealtrailDeviceRegistry private registry;
    bytes32 private registrarRole;

    function setUp() public {
        vm.warp(START);
        address[] memory registrars = new address[](1);
        registrars[0] = registrar;
        registry = new SealtrailDeviceRegistry(ADMIN_DELAY, admin, registrars);
        registrarRole = registry.REGISTRAR_ROLE();
    }

    // ---------------------------------------------------------------- register

    function test_RegisterStoresTheTimeAndMetadataAndEmitsDeviceRegistered() public {
        vm.expectEmit(address(registry));
        emit ISealtrailDeviceRegistry.DeviceRegistered(device, registrar, METADATA, START);
        vm.prank(registrar);
        registry.register(device, METADATA);

        vm.assertEq(registry.registeredAt(device), START, "registeredAt");
        vm.assertEq(registry.revokedAt(device), 0, "revokedAt");
        vm.assertEq(registry.metadataHashOf(device), METADATA, "metadataHash");
        vm.assertEq(registry.rotatedFrom(device), address(0), "rotatedFrom");
        vm.assertTrue(registry.isActive(device), "active now");
        vm.assertTrue(registry.isActiveAt(device, START), "active from its registration time");
        vm.assertFalse(registry.isActiveAt(device, START - 1), "not active before");
    }

    function test_RevertWhen_RegisteringTheZeroAddress() public {
        vm.expectRevert(ISealtrailDeviceRegistry.SealtrailDeviceRegistryZeroAddress.selector);
        vm.prank(registrar);
        registry.register(address(0), METADATA);
    }

    function test_RevertWhen_RegisteringAnActiveDeviceAgain() public {
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        vm.warp(START + 10);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISealtrailDeviceRegistry.SealtrailDeviceRegistryAlreadyRegistered.selector,
                device,
                START
            )
        );
        registry.register(device, bytes32(0));
        vm.stopPrank();
        vm.assertEq(registry.metadataHashOf(device), METADATA, "metadata unchanged");
    }

    function testFuzz_RevertWhen_ReRegisteringARevokedDevice(address d, uint32 revokeAfter, uint32 retryAfter) public {
        vm.assume(d != address(0));
        vm.startPrank(registrar);
        registry.register(d, METADATA);
        uint64 revokedTime = START + uint64(revokeAfter);
        vm.warp(revokedTime);
        registry.revoke(d);
        vm.warp(revokedTime + uint64(retryAfter));
        vm.expectRevert(
            abi.encodeWithSelector(
                ISealtrailDeviceRegistry.SealtrailDeviceRegistryDeviceRevoked.selector,
                d,
                revokedTime
            )
        );
        registry.register(d, METADATA);
        vm.stopPrank();
        vm.assertFalse(registry.isActive(d), "still revoked");
    }

    function test_RevertWhen_TheBlockTimestampNoLongerFitsInUint48RatherThanTruncatingIt() public {
        uint256 overflow = uint256(type(uint48).max) + 1;
        vm.warp(overflow);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 48, overflow));
        vm.prank(registrar);
        registry.register(device, METADATA);
    }

    // ---------------------------------------------------------------- revoke

    function test_RevokeStoresTheTimeAndEmitsDeviceRevoked() public {
        vm.prank(registrar);
        registry.register(device, METADATA);
        vm.warp(START + 100);
        vm.expectEmit(address(registry));
        emit ISealtrailDeviceRegistry.DeviceRevoked(device, registrar, START + 100);
        vm.prank(registrar);
        registry.revoke(device);

        vm.assertEq(registry.revokedAt(device), START + 100, "revokedAt");
        vm.assertEq(registry.registeredAt(device), START, "registeredAt kept");
        vm.assertFalse(registry.isActive(device), "not active now");
        vm.assertTrue(registry.isActiveAt(device, START + 99), "history kept: active before revocation");
        vm.assertFalse(registry.isActiveAt(device, START + 100), "not active from the revocation time");
    }

    function test_RevertWhen_RevokingAnUnknownDevice() public {
        vm.expectRevert(
            abi.encodeWithSelector(ISealtrailDeviceRegistry.SealtrailDeviceRegistryUnknownDevice.selector, device)
        );
        vm.prank(registrar);
        registry.revoke(device);
    }

    function test_RevertWhen_RevokingARevokedDevice() public {
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        registry.revoke(device);
        vm.warp(START + 5);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISealtrailDeviceRegistry.SealtrailDeviceRegistryDeviceRevoked.selector,
                device,
                START
            )
        );
        registry.revoke(device);
        vm.stopPrank();
        vm.assertEq(registry.revokedAt(device), START, "first revocation time kept");
    }

    // ---------------------------------------------------------------- rotate

    function test_RotateRevokesTheOldKeyRegistersTheNewOneAndLinksThem() public {
        bytes32 newMetadata = keccak256("model=ST-1;serial=0001;key=2");
        vm.prank(registrar);
        registry.register(device, METADATA);
        uint64 rotation = START + 1 days;
        vm.warp(rotation);

        vm.expectEmit(address(registry));
        emit ISealtrailDeviceRegistry.DeviceRegistered(nextDevice, registrar, newMetadata, rotation);
        vm.expectEmit(address(registry));
        emit ISealtrailDeviceRegistry.DeviceRevoked(device, registrar, rotation);
        vm.expectEmit(address(registry));
        emit ISealtrailDeviceRegistry.DeviceRotated(device, nextDevice, registrar, rotation);
        vm.prank(registrar);
        registry.rotate(device, nextDevice, newMetadata);

        vm.assertEq(registry.revokedAt(device), rotation, "old key revoked at the rotation");
        vm.assertEq(registry.registeredAt(nextDevice), rotation, "new key registered at the rotation");
        vm.assertEq(registry.rotatedTo(device), nextDevice, "old -> new");
        vm.assertEq(registry.rotatedFrom(nextDevice), device, "new -> old");
        vm.assertEq(registry.metadataHashOf(nextDevice), newMetadata, "new metadata");

        ISealtrailDeviceRegistry.DeviceRecord memory oldRecord = registry.deviceRecord(device);
        vm.assertEq(oldRecord.registeredAt, START, "record.registeredAt");
        vm.assertEq(oldRecord.revokedAt, rotation, "record.revokedAt");
        vm.assertEq(oldRecord.rotatedFrom, address(0), "record.rotatedFrom");
        vm.assertEq(oldRecord.rotatedTo, nextDevice, "record.rotatedTo");
        vm.assertEq(oldRecord.metadataHash, METADATA, "record.metadataHash");
    }

    /// At every instant at most one of the two keys is active, and the hand-over happens at the rotation time.
    function testFuzz_RotationHandsOverAtTheRotationTime(uint32 rotateAfter, uint64 query) public {
        vm.prank(registrar);
        registry.register(device, METADATA);
        uint64 rotation = START + uint64(rotateAfter);
        vm.warp(rotation);
        vm.prank(registrar);
        registry.rotate(device, nextDevice, METADATA);

        bool oldActive = registry.isActiveAt(device, query);
        bool newActive = registry.isActiveAt(nextDevice, query);
        vm.assertEq(_toUint(oldActive), _toUint(query >= START && query < rotation), "old key on [start, rotation)");
        vm.assertEq(_toUint(newActive), _toUint(query >= rotation), "new key from the rotation on");
        vm.assertFalse(oldActive && newActive, "never both");
    }

    function test_RevertWhen_RotatingFromAnUnknownDevice() public {
        vm.expectRevert(
            abi.encodeWithSelector(ISealtrailDeviceRegistry.SealtrailDeviceRegistryUnknownDevice.selector, device)
        );
        vm.prank(registrar);
        registry.rotate(device, nextDevice, METADATA);
        vm.assertEq(registry.registeredAt(nextDevice), 0, "new key not registered");
    }

    function test_RevertWhen_RotatingFromARevokedDevice() public {
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        registry.revoke(device);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISealtrailDeviceRegistry.SealtrailDeviceRegistryDeviceRevoked.selector,
                device,
                START
            )
        );
        registry.rotate(device, nextDevice, METADATA);
        vm.stopPrank();
        vm.assertEq(registry.registeredAt(nextDevice), 0, "new key not registered");
    }

    function test_RevertWhen_RotatingToARegisteredDevice() public {
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        registry.register(nextDevice, METADATA);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISealtrailDeviceRegistry.SealtrailDeviceRegistryAlreadyRegistered.selector,
                nextDevice,
                START
            )
        );
        registry.rotate(device, nextDevice, METADATA);
        vm.stopPrank();
        vm.assertTrue(registry.isActive(device), "old key still active");
    }

    function test_RevertWhen_RotatingAKeyToItself() public {
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISealtrailDeviceRegistry.SealtrailDeviceRegistryAlreadyRegistered.selector,
                device,
                START
            )
        );
        registry.rotate(device, device, METADATA);
        vm.stopPrank();
    }

    function test_RevertWhen_RotatingToARevokedDevice() public {
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        registry.register(nextDevice, METADATA);
        registry.revoke(nextDevice);
        vm.expectRevert(
            abi.encodeWithSelector(
                ISealtrailDeviceRegistry.SealtrailDeviceRegistryDeviceRevoked.selector,
                nextDevice,
                START
            )
        );
        registry.rotate(device, nextDevice, METADATA);
        vm.stopPrank();
    }

    function test_RevertWhen_RotatingToTheZeroAddress() public {
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        vm.expectRevert(ISealtrailDeviceRegistry.SealtrailDeviceRegistryZeroAddress.selector);
        registry.rotate(device, address(0), METADATA);
        vm.stopPrank();
    }

    function test_ARotatedInKeyCanItselfBeRotatedIntoAChain() public {
        address third = address(0xD0003);
        vm.startPrank(registrar);
        registry.register(device, METADATA);
        vm.warp(START + 10);
        registry.rotate(device, nextDevice, METADATA);
        vm.warp(START + 20);
        registry.rotate(nextDevice, third, METADATA);
        vm.stopPrank();

        vm.assertEq(registry.rotatedTo(nextDevice), third, "second link forward");
        vm.assertEq(registry.rotatedFrom(third), nextDevice, "second link back");
        vm.assertEq(registry.rotatedFrom(nextDevice), device, "first link back kept");
        vm.assertTrue(registry.isActiveAt(nextDevice, START + 15), "middle key active in between");
        vm.assertFalse(registry.isActiveAt(nextDevice, START + 20), "middle key revoked at the second rotation");
    }

    // ---------------------------------------------------------------- isActiveAt

    function testFuzz_IsActiveAtIsTrueExactlyBetweenRegistrationAndRevocation(
        address d,
        uint32 registerAfter,
        uint32 revokeAfter,
        uint64 query
    ) public {
        vm.assume(d != address(0));
        uint64 registered = START + uint64(registerAfter);
        uint64 revoked = registered + uint64(revokeAfter);
        vm.assertFalse(registry.isActiveAt(d, query), "never registered: never active");

        vm.warp(registered);
        vm.prank(registrar);
        registry.register(d, METADATA);
        vm.assertEq(_toUint(registry.isActiveAt(d, query)), _toUint(query >= registered), "registered");

        vm.warp(revoked);
        vm.prank(registrar);
        registry.revoke(d);
        vm.assertEq(
            _toUint(registry.isActiveAt(d, query)),
            _toUint(query >= registered && query < revoked),
            "revoked"
        );
    }

    // ---------------------------------------------------------------- roles

    function testFuzz_RevertWhen_ANonRegistrarRegistersRevokesOrRotates(address caller) public {
        vm.assume(caller != registrar);
        vm.prank(registrar);
        registry.register(device, METADATA);
        bytes memory unauthorized = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            caller,
            registrarRole
        );

        vm.expectRevert(unauthorized);
        vm.prank(caller);
        registry.register(nextDevice, METADATA);

        vm.expectRevert(unauthorized);
        vm.prank(caller);
        registry.revoke(device);

        vm.expectRevert(unauthorized);
        vm.prank(caller);
        registry.rotate(device, nextDevice, METADATA);

        vm.assertTrue(registry.isActive(device), "device untouched");
        vm.assertEq(registry.registeredAt(nextDevice), 0, "nothing registered");
    }

    function test_RegistrarAndAnchorerRolesAreDistinct() public view {
        vm.assertTrue(registrarRole != keccak256("ANCHORER_ROLE"), "distinct roles");
        vm.assertEq(registrarRole, keccak256("REGISTRAR_ROLE"), "REGISTRAR_ROLE");
        vm.assertFalse(registry.hasRole(keccak256("ANCHORER_ROLE"), registrar), "registrar is not an anchorer");
    }

    function test_ARegistrarRevokedByTheAdminCanNoLongerRegister() public {
        vm.prank(admin);
        registry.revokeRole(registrarRole, registrar);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, registrar, registrarRole)
        );
        vm.prank(registrar);
        registry.register(device, METADATA);
    }

    function test_TheDefaultAdminCannotBeGrantedDirectly() public {
        vm.expectRevert(IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminRules.selector);
        vm.prank(admin);
        registry.grantRole(bytes32(0), address(0xB0B));
    }

    // ---------------------------------------------------------------- introspection

    function test_SupportsTheRegistryAccessControlAndERC165Interfaces() public view {
        vm.assertTrue(
            registry.supportsInterface(type(ISealtrailDeviceRegistry).interfaceId),
            "ISealtrailDeviceRegistry"
        );
        vm.assertTrue(registry.supportsInterface(type(IAccessControl).interfaceId), "IAccessControl");
        vm.assertTrue(registry.supportsInterface(type(IERC165).interfaceId), "IERC165");
        vm.assertFalse(registry.supportsInterface(0xffffffff), "0xffffffff");
    }

    function test_AnUnknownDeviceHasAnAllZeroRecord() public view {
        ISealtrailDeviceRegistry.DeviceRecord memory record = registry.deviceRecord(device);
        vm.assertEq(record.registeredAt, 0, "registeredAt");
        vm.assertEq(record.revokedAt, 0, "revokedAt");
        vm.assertEq(record.rotatedFrom, address(0), "rotatedFrom");
        vm.assertEq(record.rotatedTo, address(0), "rotatedTo");
        vm.assertEq(record.metadataHash, bytes32(0), "metadataHash");
        vm.assertFalse(registry.isActive(device), "not active");
    }

    function _toUint(bool value) private pure returns (uint256) {
        return value ? 1 : 0;
    }
}
