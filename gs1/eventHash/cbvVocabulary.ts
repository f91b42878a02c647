/**
 * The bare-word vocabularies of EPCIS 2.0 JSON-LD. In a document, `"bizStep": "shipping"` means
 * `https://ref.gs1.org/cbv/BizStep-shipping`: the EPCIS context gives each such field a scoped context that
 * maps its terms to web vocabulary IRIs. The event hash works on the IRIs, so the bare words are expanded
 * first. The term lists are those of the EPCIS 2.0 JSON-LD contexts (gs1/EPCIS, 2023).
 */

export type Vocabulary = { readonly base: string; readonly terms: ReadonlySet<string> };

/** Business steps (CBV 2.0). */
const BizStep: Vocabulary = {
  base: "https://ref.gs1.org/cbv/BizStep-",
  terms: new Set([
    "accepting",
    "arriving",
    "assembling",
    "collecting",
    "commissioning",
    "consigning",
    "creating_class_instance",
    "cycle_counting",
    "decommissioning",
    "departing",
    "destroying",
    "disassembling",
    "dispensing",
    "encoding",
    "entering_exiting",
    "holding",
    "inspecting",
    "installing",
    "killing",
    "loading",
    "other",
    "packing",
    "picking",
    "receiving",
    "removing",
    "repackaging",
    "repairing",
    "replacing",
    "reserving",
    "retail_selling",
    "sampling",
    "sensor_reporting",
    "shipping",
    "staging_outbound",
    "stock_taking",
    "stocking",
    "storing",
    "transporting",
    "unloading",
    "unpacking",
    "void_shipping",
  ]),
};

/** Dispositions (CBV 2.0). */
const Disp: Vocabulary = {
  base: "https://ref.gs1.org/cbv/Disp-",
  terms: new Set([
    "active",
    "available",
    "completeness_verified",
    "completeness_inferred",
    "conformant",
    "container_closed",
    "container_open",
    "damaged",
    "destroyed",
    "dispensed",
    "disposed",
    "encoded",
    "expired",
    "in_progress",
    "in_transit",
    "inactive",
    "mismatch_instance",
    "mismatch_class",
    "mismatch_quantity",
    "needs_replacement",
    "no_pedigree_match",
    "non_conformant",
    "non_sellable_other",
    "partially_dispensed",
    "recalled",
    "reserved",
    "retail_sold",
    "returned",
    "sellable_accessible",
    "sellable_not_accessible",
    "stolen",
    "unavailable",
    "unknown",
  ]),
};

/** Business transaction types (CBV 2.0). */
const BTT: Vocabulary = {
  base: "https://ref.gs1.org/cbv/BTT-",
  terms: new Set([
    "bol",
    "cert",
    "desadv",
    "inv",
    "pedigree",
    "po",
    "poc",
    "prodorder",
    "recadv",
    "rma",
    "testprd",
    "testres",
    "upevt",
  ]),
};

/** Source/destination types (CBV 2.0). */
const SDT: Vocabulary = {
  base: "https://ref.gs1.org/cbv/SDT-",
  terms: new Set(["owning_party", "possessing_party", "location"]),
};

/** Error reasons (CBV 2.0). */
const ER: Vocabulary = {
  base: "https://ref.gs1.org/cbv/ER-",
  terms: new Set(["did_not_occur", "incorrect_data"]),
};

/** Sensor components (CBV 2.0). */
const Comp: Vocabulary = {
  base: "https://ref.gs1.org/cbv/Comp-",
  terms: new Set([
    "x",
    "y",
    "z",
    "axial_distance",
    "azimuth",
    "height",
    "spherical_radius",
    "polar_angle",
    "elevation_angle",
    "easting",
    "northing",
    "latitude",
    "longitude",
    "altitude",
  ]),
};

/** Sensor measurement types (GS1 Web Vocabulary). */
const MeasurementType: Vocabulary = {
  base: "https://gs1.org/voc/",
  terms: new Set([
    "AbsoluteHumidity",
    "AbsorbedDose",
    "AbsorbedDoseRate",
    "Acceleration",
    "Radioactivity",
    "Altitude",
    "AmountOfSubstance",
    "AmountOfSubstancePerUnitVolume",
    "Angle",
    "AngularAcceleration",
    "AngularMomentum",
    "AngularVelocity",
    "Area",
    "Capacitance",
    "Conductance",
    "Conductivity",
    "Count",
    "Density",
    "Dimensionless",
    "DoseEquivalent",
    "DoseEquivalentRate",
    "DynamicViscosity",
    "ElectricCharge",
    "ElectricCurrent",
    "ElectricCurrentDensity",
    "ElectricFieldStrength",
    "Energy",
    "Exposure",
    "Force",
    "Frequency",
    "Illuminance",
    "Inductance",
    "Irradiance",
    "KinematicViscosity",
    "Length",
    "LinearMomentum",
    "Luminance",
    "LuminousFlux",
    "LuminousIntensity",
    "MagneticFlux",
    "MagneticFluxDensity",
    "MagneticVectorPotential",
    "Mass",
    "MassConcentration",
    "MassFlowRate",
    "MassPerAreaTime",
    "MemoryCapacity",
    "MolalityOfSolute",
    "MolarEnergy",
    "MolarMass",
    "MolarVolume",
    "Power",
    "Pressure",
    "RadiantFlux",
    "RadiantIntensity",
    "RelativeHumidity",
    "Resistance",
    "Resistivity",
    "SolidAngle",
    "SpecificVolume",
    "Speed",
    "SurfaceDensity",
    "SurfaceTension",
    "Temperature",
    "Time",
    "Torque",
    "Voltage",
    "Volume",
    "VolumeFlowRate",
    "VolumeFraction",
    "VolumetricFlux",
    "Wavenumber",
  ]),
};

/** Sensor alert types (GS1 Web Vocabulary). */
const SensorAlert: Vocabulary = {
  base: "https://gs1.org/voc/",
  terms: new Set(["ALARM_CONDITION", "ERROR_CONDITION"]),
};

/**
 * Which field, under which parent, takes which vocabulary (the `"@type": "@vocab"` fields of the EPCIS
 * context). The key is `parent field/field`; top-level event fields have an empty parent.
 */
const FIELDS: ReadonlyMap<string, Vocabulary> = new Map([
  ["/bizStep", BizStep],
  ["/disposition", Disp],
  ["persistentDisposition/set", Disp],
  ["persistentDisposition/unset", Disp],
  ["bizTransactionList/type", BTT],
  ["sourceList/type", SDT],
  ["destinationList/type", SDT],
  ["sensorReport/type", MeasurementType],
  ["sensorReport/exception", SensorAlert],
  ["sensorReport/component", Comp],
  ["errorDeclaration/reason", ER],
]);

/**
 * The vocabulary IRI of a bare term written in a vocabulary-typed field, or the value unchanged (an IRI,
 * a CURIE or a term the vocabulary does not define).
 * @example expandVocabularyTerm("", "bizStep", "shipping") // "https://ref.gs1.org/cbv/BizStep-shipping"
 */
export function expandVocabularyTerm(parent: string, field: string, value: string): string {
  // Most fields are not vocabulary-typed: look at the field name before building the key.
  if (!VOCABULARY_FIELD_NAMES.has(field)) return value;
  const vocabulary = FIELDS.get(`${parent}/${field}`);
  return vocabulary?.terms.has(value) ? vocabulary.base + value : value;
}

const VOCABULARY_FIELD_NAMES: ReadonlySet<string> = new Set(
  [...FIELDS.keys()].map((k) => k.slice(k.indexOf("/") + 1)),
);
