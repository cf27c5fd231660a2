export * from "./tensor";
export * from "./pipeline/postprocess";
