export * from "./reference";
export * from "./checks";
export * from "./beside";
export * from "./steps";
