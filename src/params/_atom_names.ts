/**
 * Static tables used when splitting spin names into group and atom.
 *
 * The atom-name list decides whether a token such as `CD1` or `H2` (which has no
 * H/C/N/Q/M after its first digit) is an atom on its own rather than a residue
 * label; it follows the IUPAC/PDB names ChemEx recognises for proteins and
 * nucleic acids, so that names read identically in both programs.
 *
 * @module
 */

/** Three-letter amino-acid codes mapped to the one-letter codes used in canonical names. */
export const AMINO_ACID_ONE_LETTER: Readonly<Record<string, string>> = Object.freeze({
  ALA: "A",
  ARG: "R",
  ASN: "N",
  ASP: "D",
  CYS: "C",
  GLN: "Q",
  GLU: "E",
  GLY: "G",
  HIS: "H",
  ILE: "I",
  LEU: "L",
  LYS: "K",
  MET: "M",
  PHE: "F",
  PRO: "P",
  SER: "S",
  THR: "T",
  TRP: "W",
  TYR: "Y",
  VAL: "V",
});

/** Alternative spellings of the same atom (whole-name replacements only). */
export const ATOM_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  HN: "H",
  "C'": "C",
  CO: "C",
});

const PROTEIN_ATOMS = [
  // carbons
  "C CA CB CD CD1 CD2 CE CE1 CE2 CE3 CG CG1 CG2 CH2 CQD CQE CQG CZ CZ2 CZ3",
  // protons
  "H H2 H3 HA HA2 HA3 HB HB1 HB2 HB3 HD HD1 HD11 HD12 HD13 HD2 HD21 HD22 HD23 HD3",
  "HE HE1 HE2 HE21 HE22 HE3 HG HG1 HG11 HG12 HG13 HG2 HG21 HG22 HG23 HG3",
  "HH HH1 HH11 HH12 HH2 HH21 HH22 HZ HZ1 HZ2 HZ3",
  // methyl pseudo-atoms
  "MB MD MD1 MD2 ME MG MG1 MG2 MZ",
  // nitrogens
  "N ND1 ND2 NE NE1 NE2 NH NH1 NH2 NQH NZ",
  // other pseudo-atoms
  "QA QB QD QD2 QE QE2 QG QG1 QH1 QH2 QMD QMG QQH QR QZ",
];

const NUCLEIC_ACID_ATOMS = [
  "C1' C2 C2' C3' C4 C4' C5 C5' C6 C7 C8",
  "H1 H1' H2 H2' H2'1 H2'2 H21 H22 H3 H3' H4' H41 H42 H5 H5'1 H5'2 H6 H61 H62",
  "H71 H72 H73 H8",
  "M7",
  "N1 N2 N3 N4 N6 N7 N9",
];

/** Atom names that are atoms on their own even though no H/C/N/Q/M follows their first digit. */
export const STANDARD_ATOM_NAMES: ReadonlySet<string> = new Set(
  [...PROTEIN_ATOMS, ...NUCLEIC_ACID_ATOMS].flatMap((line) => line.split(" ")),
);
