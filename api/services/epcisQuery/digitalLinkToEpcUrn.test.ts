import { describe, expect, it } from "@jest/globals";
import { gs1CheckDigit } from "#gs1";
import { digitalLinkToEpcUrn } from "./digitalLinkToEpcUrn.ts";

const KNOWN = ["4012345", "061414112"];
const withCheck = (digits: string) => `${digits}${gs1CheckDigit(digits)}`;

describe("digitalLinkToEpcUrn", () => {
  it.each([
    ["an SGTIN", "https://id.gs1.org/01/04012345111118/21/A1", "urn:epc:id:sgtin:4012345.011111.A1"],
    [
      "an SGTIN on another domain, lot and attributes dropped",
      "https://example.com/p/01/04012345111118/10/L1/21/A1?17=271231",
      "urn:epc:id:sgtin:4012345.011111.A1",
    ],
    ["an LGTIN", "https://id.gs1.org/01/04012345111118/10/LOT9", "urn:epc:class:lgtin:4012345.011111.LOT9"],
    [
      "a GTIN (as an epcClass)",
      "https://id.gs1.org/01/04012345111118",
      "urn:epc:idpat:sgtin:4012345.011111.*",
    ],
    ["an SSCC", "https://id.gs1.org/00/040123450000000016", "urn:epc:id:sscc:4012345.0000000001"],
    ["a GLN", "https://id.gs1.org/414/4012345000009", "urn:epc:id:sgln:4012345.00000.0"],
    ["a GLN with extension", "https://id.gs1.org/414/4012345000009/254/7", "urn:epc:id:sgln:4012345.00000.7"],
    ["a GIAI", "https://id.gs1.org/8004/4012345REEFER1", "urn:epc:id:giai:4012345.REEFER1"],
    [
      "a GRAI with serial",
      `https://id.gs1.org/8003/${withCheck("0401234555555")}987`,
      "urn:epc:id:grai:4012345.55555.987",
    ],
    [
      "a key under a 9-digit prefix",
      `https://id.gs1.org/01/${withCheck("1061414112345")}/21/X`,
      "urn:epc:id:sgtin:061414112.1345.X",
    ],
  ])("converts %s when its company prefix is known", (_what, id, urn) => {
    expect(digitalLinkToEpcUrn(id, KNOWN)).toBe(urn);
  });

  it("refuses (null) rather than guess where an unknown company prefix ends", () => {
    expect(
      digitalLinkToEpcUrn(`https://id.gs1.org/01/${withCheck("0952123454321")}/21/A1`, KNOWN),
    ).toBeNull();
    expect(digitalLinkToEpcUrn("https://id.gs1.org/01/04012345111118/21/A1", [])).toBeNull();
  });

  it("refuses (null) what no EPC scheme carries: a consumer product variant, a GRAI without serial", () => {
    expect(digitalLinkToEpcUrn("https://id.gs1.org/01/04012345111118/22/V1/21/A1", KNOWN)).toBeNull();
    expect(digitalLinkToEpcUrn(`https://id.gs1.org/8003/${withCheck("0401234555555")}`, KNOWN)).toBeNull();
  });

  it("leaves alone (undefined) what is no Digital Link: an EPC URN, a company's own URI", () => {
    expect(digitalLinkToEpcUrn("urn:epc:id:sgtin:4012345.011111.A1", KNOWN)).toBeUndefined();
    expect(digitalLinkToEpcUrn("https://example.com/assets/17", KNOWN)).toBeUndefined();
  });
});
