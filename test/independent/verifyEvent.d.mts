export type EventVerification =
  | {
      ok: true;
      messageId: string;
      signer: string;
      contentType: string;
      signedBy: "organisation" | "attester";
      organisation: string | null;
      event: Record<string, unknown>;
    }
  | { ok: false; reason: string };
export function verifyEventMessage(hex: string, publicKeyHex: string | null): EventVerification;
