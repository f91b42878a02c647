// Role identifiers and defaults of the Sealtrail contracts, as constants so that callers need no RPC round
// trip to grant or check a role. contracts/test/deploySealtrail.ts checks them against the deployed contracts.

/** `keccak256("ANCHORER_ROLE")`: may anchor roots in SealtrailAnchor (one holder per gateway key). */
export const ANCHORER_ROLE = "0x4b3e6527f1b0d33beb6c20e3c362af276f03c4526b5f8b6d118672f0d75a60eb";

/** `keccak256("REGISTRAR_ROLE")`: may register, revoke and rotate device keys in SealtrailDeviceRegistry. */
export const REGISTRAR_ROLE = "0xedcc084d3dcd65a1f7f23c65c46722faca6953d28e43150a467cf43e5c309238";

/** OpenZeppelin's `DEFAULT_ADMIN_ROLE`: grants and revokes the two roles above. */
export const DEFAULT_ADMIN_ROLE = "0x0000000000000000000000000000000000000000000000000000000000000000";

/**
 * Default delay of a default-admin handover, in seconds (2 days): long enough for the current admin to notice
 * and cancel a transfer started with a stolen key, short enough for a planned handover.
 */
export const DEFAULT_ADMIN_DELAY_SECONDS = 2 * 24 * 60 * 60;
