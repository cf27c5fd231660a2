export * from "./tensor";
export * from "./pipeline/postprocess";
export * from "./course";
export * from "./plot";
export * from "./model";
export * from "./onnx";
export * from "./t5";
export * from "./pipeline/tokens";
