// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {
    IAccessControlDefaultAdminRules
} from "@openzeppelin/contracts/access/extensions/IAccessControlDefaultAdminRules.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SealtrailAnchor} from "../src/SealtrailAnchor.sol";
import {ISealtrailAnchor} from "../src/interfaces/ISealtrailAnchor.sol";
import {SealtrailTest} from "./utils/SealtrailTest.sol";
import {Vm} from "./utils/Vm.sol";

contract SealtrailAnchorTest is SealtrailTest {
    uint48 private constant ADMIN_DELAY = 2 days;
    uint64 private constant START = 1_750_000_000;

    address private admin = address(0xA11CE);
    address private gatewayA = address(0x6A7E1);
    address private gatewayB = address(0x6A7E2);

    SealtrailAnchor private anchorRegistry;
    bytes32 private anchorerRole;

    function setUp() public {
        vm.warp(START);
        address[] memory anchorers = new address[](2);
        anchorers[0] = gatewayA;
        anchorers[1] = gatewayB;
        anchorRegistry = new SealtrailAnchor(ADMIN_DELAY, admin, anchorers);
        anchorerRole = anchorRegistry.ANCHORER_ROLE();
    }

    // ---------------------------------------------------------------- anchor

    function test_AnchorStoresTheBlockTimestampAndTheAnchorerAndEmitsRootAnchored() public {
        bytes32 root = keccak256("batch 1");
        vm.expectEmit(address(anchorRegistry));
        emit ISealtrailAnchor.RootAnchored(root, gatewayA, START);
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);

        vm.assertEq(anchorRegistry.anchoredAt(root), START, "anchoredAt");
        (uint64 timestamp, address anchorer) = anchorRegistry.anchorOf(root);
        vm.assertEq(timestamp, START, "anchorOf timestamp");
        vm.assertEq(anchorer, gatewayA, "anchorOf anchorer");
    }

    function testFuzz_AnUnknownRootHasTimestampZero(bytes32 root) public view {
        vm.assertEq(anchorRegistry.anchoredAt(root), 0, "anchoredAt of an unknown root");
        (uint64 timestamp, address anchorer) = anchorRegistry.anchorOf(root);
        vm.assertEq(timestamp, 0, "anchorOf timestamp");
        vm.assertEq(anchorer, address(0), "anchorOf anchorer");
    }

    function test_RevertWhen_AnchoringTheZeroRoot() public {
        vm.expectRevert(ISealtrailAnchor.SealtrailAnchorZeroRoot.selector);
        vm.prank(gatewayA);
        anchorRegistry.anchor(bytes32(0));
    }

    function testFuzz_RevertWhen_AnchoringARootTwice(bytes32 root, uint32 later) public {
        vm.assume(root != bytes32(0));
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);

        vm.warp(START + uint64(later));
        vm.expectRevert(
            abi.encodeWithSelector(ISealtrailAnchor.SealtrailAnchorAlreadyAnchored.selector, root, START)
        );
        vm.prank(gatewayB);
        anchorRegistry.anchor(root);
    }

    /// A root anchored once keeps its timestamp and anchorer whatever any anchorer does afterwards.
    function testFuzz_AnAnchoredRootIsNeverChanged(bytes32 root, bytes32 other, uint32 later) public {
        vm.assume(root != bytes32(0) && other != bytes32(0) && other != root);
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);

        vm.warp(START + 1 + uint64(later));
        vm.startPrank(gatewayB);
        vm.expectRevert(
            abi.encodeWithSelector(ISealtrailAnchor.SealtrailAnchorAlreadyAnchored.selector, root, START)
        );
        anchorRegistry.anchor(root);
        bytes32[] memory roots = new bytes32[](3);
        roots[0] = other;
        roots[1] = root;
        roots[2] = other;
        vm.assertEq(anchorRegistry.anchorBatch(roots), 1, "only `other` is new");
        vm.stopPrank();

        vm.assertEq(anchorRegistry.anchoredAt(root), START, "timestamp unchanged");
        (, address anchorer) = anchorRegistry.anchorOf(root);
        vm.assertEq(anchorer, gatewayA, "anchorer unchanged");
        vm.assertEq(anchorRegistry.anchoredAt(other), START + 1 + uint64(later), "other anchored now");
    }

    function test_RevertWhen_TheBlockTimestampNoLongerFitsInUint64RatherThanTruncatingIt() public {
        uint256 overflow = uint256(type(uint64).max) + 1;
        vm.warp(overflow);
        vm.expectRevert(abi.encodeWithSelector(SafeCast.SafeCastOverflowedUintDowncast.selector, 64, overflow));
        vm.prank(gatewayA);
        anchorRegistry.anchor(keccak256("far future"));
    }

    // ---------------------------------------------------------------- anchorBatch

    function test_AnchorBatchAnchorsEveryNewRootWithOneEventEach() public {
        bytes32[] memory roots = _roots(3, "new");
        for (uint256 i = 0; i < roots.length; ++i) {
            vm.expectEmit(address(anchorRegistry));
            emit ISealtrailAnchor.RootAnchored(roots[i], gatewayA, START);
        }
        vm.prank(gatewayA);
        vm.assertEq(anchorRegistry.anchorBatch(roots), 3, "anchoredCount");
        for (uint256 i = 0; i < roots.length; ++i) {
            vm.assertEq(anchorRegistry.anchoredAt(roots[i]), START, "anchoredAt");
        }
    }

    function test_AnchorBatchSkipsAlreadyAnchoredRootsWithoutAnEvent() public {
        bytes32[] memory roots = _roots(4, "retry");
        vm.prank(gatewayA);
        anchorRegistry.anchor(roots[1]);

        vm.warp(START + 60);
        vm.recordLogs();
        vm.prank(gatewayA);
        uint256 anchoredCount = anchorRegistry.anchorBatch(roots);
        Vm.Log[] memory logs = vm.getRecordedLogs();

        vm.assertEq(anchoredCount, 3, "anchoredCount");
        vm.assertEq(logs.length, 3, "one event per new root");
        vm.assertEq(logs[0].topics[1], roots[0], "event 0 root");
        vm.assertEq(logs[1].topics[1], roots[2], "event 1 root");
        vm.assertEq(logs[2].topics[1], roots[3], "event 2 root");
        vm.assertEq(anchorRegistry.anchoredAt(roots[1]), START, "skipped root keeps its first timestamp");
        vm.assertEq(anchorRegistry.anchoredAt(roots[0]), START + 60, "new root anchored now");
    }

    function test_AnchorBatchRetriedAfterSuccessAnchorsNothingAndDoesNotRevert() public {
        bytes32[] memory roots = _roots(5, "idempotent");
        vm.startPrank(gatewayA);
        anchorRegistry.anchorBatch(roots);
        vm.recordLogs();
        vm.assertEq(anchorRegistry.anchorBatch(roots), 0, "anchoredCount of the retry");
        vm.stopPrank();
        vm.assertEq(vm.getRecordedLogs().length, 0, "no event on retry");
    }

    function test_AnchorBatchAnchorsARootRepeatedInTheBatchOnce() public {
        bytes32 root = keccak256("twice");
        bytes32[] memory roots = new bytes32[](2);
        roots[0] = root;
        roots[1] = root;
        vm.recordLogs();
        vm.prank(gatewayA);
        vm.assertEq(anchorRegistry.anchorBatch(roots), 1, "anchoredCount");
        vm.assertEq(vm.getRecordedLogs().length, 1, "one event");
    }

    function testFuzz_RevertWhen_ABatchContainsTheZeroRoot(uint8 size, uint8 zeroAt) public {
        uint256 length = _bound(size, 1, 20);
        bytes32[] memory roots = _roots(length, "zero");
        roots[_bound(zeroAt, 0, length - 1)] = bytes32(0);

        vm.expectRevert(ISealtrailAnchor.SealtrailAnchorZeroRoot.selector);
        vm.prank(gatewayA);
        anchorRegistry.anchorBatch(roots);

        for (uint256 i = 0; i < length; ++i) {
            vm.assertEq(anchorRegistry.anchoredAt(roots[i]), 0, "nothing of the batch is anchored");
        }
    }

    function test_RevertWhen_ABatchIsEmpty() public {
        vm.expectRevert(ISealtrailAnchor.SealtrailAnchorEmptyBatch.selector);
        vm.prank(gatewayA);
        anchorRegistry.anchorBatch(new bytes32[](0));
    }

    // ---------------------------------------------------------------- roles

    function testFuzz_RevertWhen_ANonAnchorerAnchors(address caller, bytes32 root) public {
        vm.assume(caller != gatewayA && caller != gatewayB && root != bytes32(0));
        bytes memory unauthorized = abi.encodeWithSelector(
            IAccessControl.AccessControlUnauthorizedAccount.selector,
            caller,
            anchorerRole
        );
        vm.expectRevert(unauthorized);
        vm.prank(caller);
        anchorRegistry.anchor(root);

        bytes32[] memory roots = new bytes32[](1);
        roots[0] = root;
        vm.expectRevert(unauthorized);
        vm.prank(caller);
        anchorRegistry.anchorBatch(roots);

        vm.assertEq(anchorRegistry.anchoredAt(root), 0, "not anchored");
    }

    function test_RevertWhen_TheAdminWithoutTheAnchorerRoleAnchors() public {
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, anchorerRole)
        );
        vm.prank(admin);
        anchorRegistry.anchor(keccak256("admin"));
    }

    function test_AnAnchorerRevokedByTheAdminCanNoLongerAnchor() public {
        vm.expectEmit(address(anchorRegistry));
        emit IAccessControl.RoleRevoked(anchorerRole, gatewayB, admin);
        vm.prank(admin);
        anchorRegistry.revokeRole(anchorerRole, gatewayB);

        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, gatewayB, anchorerRole)
        );
        vm.prank(gatewayB);
        anchorRegistry.anchor(keccak256("after revocation"));
    }

    function test_TheAdminGrantsTheAnchorerRoleToANewGatewayKey() public {
        address gatewayC = address(0x6A7E3);
        vm.expectEmit(address(anchorRegistry));
        emit IAccessControl.RoleGranted(anchorerRole, gatewayC, admin);
        vm.prank(admin);
        anchorRegistry.grantRole(anchorerRole, gatewayC);

        vm.prank(gatewayC);
        anchorRegistry.anchor(keccak256("gateway C"));
        vm.assertEq(anchorRegistry.anchoredAt(keccak256("gateway C")), START, "anchored by the new key");
    }

    function testFuzz_RevertWhen_ANonAdminGrantsTheAnchorerRole(address caller) public {
        vm.assume(caller != admin);
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, bytes32(0))
        );
        vm.prank(caller);
        anchorRegistry.grantRole(anchorerRole, caller);
    }

    function test_TheDefaultAdminChangesOnlyAfterAcceptanceOnceTheDelayHasPassed() public {
        address newAdmin = address(0xB0B);
        vm.prank(admin);
        anchorRegistry.beginDefaultAdminTransfer(newAdmin);

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControlDefaultAdminRules.AccessControlEnforcedDefaultAdminDelay.selector,
                START + ADMIN_DELAY
            )
        );
        vm.prank(newAdmin);
        anchorRegistry.acceptDefaultAdminTransfer();

        vm.warp(START + ADMIN_DELAY + 1);
        vm.prank(newAdmin);
        anchorRegistry.acceptDefaultAdminTransfer();
        vm.assertEq(anchorRegistry.defaultAdmin(), newAdmin, "new default admin");
        vm.assertFalse(anchorRegistry.hasRole(bytes32(0), admin), "old admin lost the role");
    }

    // ---------------------------------------------------------------- inclusion

    function testFuzz_EveryMemberOfAnAnchoredTreeVerifies(bytes32[4] memory ids) public {
        (bytes32 root, bytes32[][4] memory proofs) = _tree(ids);
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);
        for (uint256 i = 0; i < 4; ++i) {
            vm.assertTrue(anchorRegistry.verifyInclusion(root, proofs[i], ids[i]), "member verifies");
            vm.assertTrue(anchorRegistry.verifyProof(root, proofs[i], ids[i]), "member proof verifies");
        }
    }

    function testFuzz_ProofsForNonMembersFail(bytes32[4] memory ids, bytes32 outsider) public {
        for (uint256 i = 0; i < 4; ++i) {
            vm.assume(outsider != ids[i]);
        }
        (bytes32 root, bytes32[][4] memory proofs) = _tree(ids);
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);
        for (uint256 i = 0; i < 4; ++i) {
            vm.assertFalse(anchorRegistry.verifyInclusion(root, proofs[i], outsider), "outsider with a member proof");
            vm.assertFalse(anchorRegistry.verifyProof(root, proofs[i], outsider), "outsider with a member proof");
        }
        vm.assertFalse(anchorRegistry.verifyInclusion(root, new bytes32[](0), outsider), "outsider, empty proof");
    }

    function testFuzz_AProofFailsWhenAnyOfItsNodesIsAltered(bytes32[4] memory ids, uint8 which, bytes32 noise) public {
        (bytes32 root, bytes32[][4] memory proofs) = _tree(ids);
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);
        bytes32[] memory proof = proofs[0];
        uint256 at = _bound(which, 0, proof.length - 1);
        vm.assume(noise != bytes32(0));
        proof[at] ^= noise;
        vm.assertFalse(anchorRegistry.verifyInclusion(root, proof, ids[0]), "altered proof");
    }

    function testFuzz_InclusionRequiresTheRootToBeAnchored(bytes32[4] memory ids) public {
        (bytes32 root, bytes32[][4] memory proofs) = _tree(ids);
        vm.assertTrue(anchorRegistry.verifyProof(root, proofs[2], ids[2]), "the proof is valid");
        vm.assertFalse(anchorRegistry.verifyInclusion(root, proofs[2], ids[2]), "but the root is not anchored");

        vm.prank(gatewayA);
        anchorRegistry.anchor(root);
        vm.assertTrue(anchorRegistry.verifyInclusion(root, proofs[2], ids[2]), "anchored now");
    }

    function testFuzz_TheRootOfASingleMessageBatchIsItsLeafAndNeedsAnEmptyProof(bytes32 id) public {
        bytes32 root = _leaf(id);
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);
        vm.assertTrue(anchorRegistry.verifyInclusion(root, new bytes32[](0), id), "depth-0 proof");
    }

    function testFuzz_AnInnerNodeIsNotAcceptedAsAMessageId(bytes32[4] memory ids) public {
        (bytes32 root, ) = _tree(ids);
        vm.prank(gatewayA);
        anchorRegistry.anchor(root);
        bytes32 left = _node(_leaf(ids[0]), _leaf(ids[1]));
        bytes32[] memory proof = new bytes32[](1);
        proof[0] = _node(_leaf(ids[2]), _leaf(ids[3]));
        vm.assertFalse(anchorRegistry.verifyInclusion(root, proof, left), "inner node as a message id");
    }

    // ---------------------------------------------------------------- introspection

    function test_SupportsTheAnchorAccessControlAndERC165Interfaces() public view {
        vm.assertTrue(anchorRegistry.supportsInterface(type(ISealtrailAnchor).interfaceId), "ISealtrailAnchor");
        vm.assertTrue(anchorRegistry.supportsInterface(type(IAccessControl).interfaceId), "IAccessControl");
        vm.assertTrue(
            anchorRegistry.supportsInterface(type(IAccessControlDefaultAdminRules).interfaceId),
            "IAccessControlDefaultAdminRules"
        );
        vm.assertTrue(anchorRegistry.supportsInterface(type(IERC165).interfaceId), "IERC165");
        vm.assertFalse(anchorRegistry.supportsInterface(0xffffffff), "0xffffffff");
    }

    function test_TheAnchorerRoleIsTheHashOfItsName() public view {
        vm.assertEq(anchorerRole, keccak256("ANCHORER_ROLE"), "ANCHORER_ROLE");
        vm.assertTrue(anchorRegistry.hasRole(anchorerRole, gatewayA), "gateway A is an anchorer");
        vm.assertEq(anchorRegistry.defaultAdmin(), admin, "default admin");
        vm.assertEq(anchorRegistry.defaultAdminDelay(), ADMIN_DELAY, "admin delay");
    }

    // ---------------------------------------------------------------- helpers

    function _roots(uint256 n, string memory salt) private pure returns (bytes32[] memory roots) {
        roots = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            roots[i] = keccak256(abi.encode(salt, i));
        }
    }

    /// @dev A 4-leaf tree with sorted-pair hashing, as StandardMerkleTree builds it, and each leaf's proof.
    function _tree(bytes32[4] memory ids) private pure returns (bytes32 root, bytes32[][4] memory proofs) {
        bytes32[4] memory leaves = [_leaf(ids[0]), _leaf(ids[1]), _leaf(ids[2]), _leaf(ids[3])];
        bytes32 left = _node(leaves[0], leaves[1]);
        bytes32 right = _node(leaves[2], leaves[3]);
        root = _node(left, right);
        for (uint256 i = 0; i < 4; ++i) {
            proofs[i] = new bytes32[](2);
            proofs[i][0] = leaves[i ^ 1];
            proofs[i][1] = i < 2 ? right : left;
        }
    }
}
