/** The domain of HalfSky: every rule of DOMAIN.md, once, as pure functions. No I/O. */
export * from "./errors";
export * from "./money";
export * from "./dates";
export * from "./identity";
export * from "./split";
export * from "./interest";
export * from "./region";
export * from "./policy";
export * from "./schedule";
export * from "./portfolio";
export * from "./fund";
export * from "./format";
export * from "./roles";
export * from "./journal";
export * from "./claims";
export * from "./cells";
export * from "./labels";
