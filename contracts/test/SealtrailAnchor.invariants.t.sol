// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {SealtrailAnchor} from "../src/SealtrailAnchor.sol";
import {SealtrailTest} from "./utils/SealtrailTest.sol";

/// @dev Random sequences of anchor / anchorBatch calls over a small pool of roots, with time passing between them.
contract AnchorHandler is SealtrailTest {
    uint256 internal constant POOL = 8;

    SealtrailAnchor public immutable anchorRegistry;
    address public immutable anchorer;
    /// @dev Ghost state: the timestamp at which each root was first accepted.
    mapping(bytes32 root => uint64 timestamp) public firstAnchoredAt;

    constructor(SealtrailAnchor anchorRegistry_, address anchorer_) {
        anchorRegistry = anchorRegistry_;
        anchorer = anchorer_;
    }

    function root(uint256 i) public pure returns (bytes32) {
        return keccak256(abi.encode("pool", i % POOL));
    }

    function anchorOne(uint256 i, uint16 elapsed) external {
        vm.warp(block.timestamp + elapsed);
        bytes32 r = root(i);
        vm.prank(anchorer);
        try anchorRegistry.anchor(r) {
            _record(r);
        } catch {
            vm.assertTrue(firstAnchoredAt[r] != 0, "anchor reverted for a new root");
        }
    }

    function anchorMany(uint8 mask, uint16 elapsed) external {
        vm.warp(block.timestamp + elapsed);
        uint256 count = 0;
        for (uint256 i = 0; i < POOL; ++i) {
            if (mask & (1 << i) != 0) ++count;
        }
        if (count == 0) return;
        bytes32[] memory roots = new bytes32[](count);
        uint256 k = 0;
        for (uint256 i = 0; i < POOL; ++i) {
            if (mask & (1 << i) != 0) roots[k++] = root(i);
        }
        vm.prank(anchorer);
        anchorRegistry.anchorBatch(roots);
        for (uint256 i = 0; i < count; ++i) {
            _record(roots[i]);
        }
    }

    function _record(bytes32 r) private {
        if (firstAnchoredAt[r] == 0) firstAnchoredAt[r] = uint64(block.timestamp);
    }
}

contract SealtrailAnchorInvariantTest is SealtrailTest {
    SealtrailAnchor private anchorRegistry;
    AnchorHandler private handler;

    function setUp() public {
        vm.warp(1_750_000_000);
        address anchorer = address(0x6A7E1);
        address[] memory anchorers = new address[](1);
        anchorers[0] = anchorer;
        anchorRegistry = new SealtrailAnchor(0, address(0xA11CE), anchorers);
        handler = new AnchorHandler(anchorRegistry, anchorer);
    }

    /// @dev Read by the invariant runner: only the handler is called at random.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// hardhat-config: invariant.runs = 128
    /// hardhat-config: invariant.depth = 64
    function invariant_AnAnchoredRootKeepsTheTimestampOfItsFirstAnchoring() public view {
        for (uint256 i = 0; i < 8; ++i) {
            bytes32 r = handler.root(i);
            vm.assertEq(anchorRegistry.anchoredAt(r), handler.firstAnchoredAt(r), "anchoredAt == first anchoring");
        }
    }
}
