export * from "./reference";
export * from "./checks";
