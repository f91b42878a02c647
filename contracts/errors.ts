import { SealtrailError, type SealtrailErrorOptions } from "#protocol";

/** Why the contracts module refused to work. Stable strings: logs and the CLI key on them. */
export const ContractsErrorCode = {
  /** The compiled artifact is not there: the contracts were not built (`npm run build:contracts`). */
  ArtifactMissing: "CONTRACT_ARTIFACT_MISSING",
  /** The artifact file exists but is not a Hardhat 3 artifact of the expected contract. */
  ArtifactInvalid: "CONTRACT_ARTIFACT_INVALID",
  /** A deployment option is malformed (an address, a delay). */
  InvalidDeployOptions: "INVALID_DEPLOY_OPTIONS",
} as const;
export type ContractsErrorCode = (typeof ContractsErrorCode)[keyof typeof ContractsErrorCode];

/** An error of the contracts module (artifacts, deployment), with a stable {@link ContractsErrorCode}. */
export class ContractsError extends SealtrailError {
  override name = "ContractsError";
  declare readonly code: ContractsErrorCode;

  constructor(code: ContractsErrorCode, shortMessage: string, options: SealtrailErrorOptions = {}) {
    super(code, shortMessage, options);
  }
}
