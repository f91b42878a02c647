/**
 * The order in which the CBV 2.0 event hash writes an event's standard fields (and, below them, their
 * children). Fields not listed (ilmd, extensions, bizTransactionList, sourceList, destinationList, and
 * anything else) follow after them, sorted (see eventPrehash.ts).
 */
export type PropertyOrder = readonly (readonly [name: string, children: PropertyOrder | null])[];

const QUANTITY_ELEMENT: PropertyOrder = [
  [
    "quantityElement",
    [
      ["epcClass", null],
      ["quantity", null],
      ["uom", null],
    ],
  ],
];
const EPCS: PropertyOrder = [["epc", null]];

export const PROPERTY_ORDER: PropertyOrder = [
  ["eventTime", null],
  ["eventTimeZoneOffset", null],
  ["certificationInfo", null],
  ["parentID", null],
  ["epcList", EPCS],
  ["inputEPCList", EPCS],
  ["childEPCs", EPCS],
  ["quantityList", QUANTITY_ELEMENT],
  ["childQuantityList", QUANTITY_ELEMENT],
  ["inputQuantityList", QUANTITY_ELEMENT],
  ["outputEPCList", EPCS],
  ["outputQuantityList", QUANTITY_ELEMENT],
  ["action", null],
  ["transformationID", null],
  ["bizStep", null],
  ["disposition", null],
  [
    "persistentDisposition",
    [
      ["set", null],
      ["unset", null],
    ],
  ],
  ["readPoint", [["id", null]]],
  ["bizLocation", [["id", null]]],
  // bizTransactionList, sourceList and destinationList sit here in the algorithm's description, but the
  // reference implementation writes them with the unordered fields (sorted among them), and its output is
  // what every vector and every other implementation agrees on.
  [
    "sensorElementList",
    [
      [
        "sensorElement",
        [
          [
            "sensorMetadata",
            [
              ["time", null],
              ["startTime", null],
              ["endTime", null],
              ["deviceID", null],
              ["deviceMetadata", null],
              ["rawData", null],
              ["dataProcessingMethod", null],
              ["bizRules", null],
            ],
          ],
          [
            "sensorReport",
            [
              ["type", null],
              ["exception", null],
              ["deviceID", null],
              ["deviceMetadata", null],
              ["rawData", null],
              ["dataProcessingMethod", null],
              ["time", null],
              ["microorganism", null],
              ["chemicalSubstance", null],
              ["value", null],
              ["component", null],
              ["stringValue", null],
              ["booleanValue", null],
              ["hexBinaryValue", null],
              ["uriValue", null],
              ["minValue", null],
              ["maxValue", null],
              ["meanValue", null],
              ["sDev", null],
              ["percRank", null],
              ["percValue", null],
              ["uom", null],
              ["coordinateReferenceSystem", null],
            ],
          ],
        ],
      ],
    ],
  ],
];
