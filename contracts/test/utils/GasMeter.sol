// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ISealtrailAnchor} from "../../src/interfaces/ISealtrailAnchor.sol";
import {ISealtrailDeviceRegistry} from "../../src/interfaces/ISealtrailDeviceRegistry.sol";

/**
 * @title GasMeter
 * @notice Benchmark helper for contracts/scripts/measureGas.ts: the gas another contract spends calling the
 * Sealtrail views, measured with `gasleft()` around the call (cold account and storage access, argument encoding
 * and the call itself included; no transaction overhead).
 */
contract GasMeter {
    function measureVerifyInclusion(
        ISealtrailAnchor anchor,
        bytes32 root,
        bytes32[] calldata proof,
        bytes32 messageId
    ) external view returns (bool included, uint256 gasUsed) {
        uint256 before = gasleft();
        included = anchor.verifyInclusion(root, proof, messageId);
        gasUsed = before - gasleft();
    }

    function measureIsActiveAt(
        ISealtrailDeviceRegistry registry,
        address device,
        uint64 timestamp
    ) external view returns (bool active, uint256 gasUsed) {
        uint256 before = gasleft();
        active = registry.isActiveAt(device, timestamp);
        gasUsed = before - gasleft();
    }
}
