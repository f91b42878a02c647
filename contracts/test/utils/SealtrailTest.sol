// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/**
 * @title SealtrailTest
 * @notice Base of our Solidity test contracts: the cheatcode handle and small helpers that forge-std would give.
 */
abstract contract SealtrailTest {
    /// @dev Address at which the test runner serves cheatcodes: `address(uint160(uint256(keccak256("hevm cheat code"))))`.
    Vm internal constant vm = Vm(0x7109709ECfa91a80626fF3989D68f67F5b1DD12D);

    /// @dev Maps `value` into `[min, max]` so that fuzz inputs need not be thrown away with `assume`.
    function _bound(uint256 value, uint256 min, uint256 max) internal pure returns (uint256) {
        return min + (value % (max - min + 1));
    }

    /// @dev Leaf of `messageId` in an OpenZeppelin StandardMerkleTree with leaf encoding ["bytes32"].
    function _leaf(bytes32 messageId) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(messageId))));
    }

    /// @dev Hash of an inner node, as the tree builds it: the pair sorted, then concatenated.
    function _node(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
