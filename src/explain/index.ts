// Why this label? The logit lens, occlusion and Shapley values over tokens, all without gradients.
export { logitLens, softmaxRow, type LogitLens } from "./lens";
export { padBatch, scoreRows, logitDifference, type BatchInputs, type Forward, type ScoreOf, type BatchStats } from "./batch";
export { type TokenAttribution, type AttributionRun, type PositionOptions } from "./attribution";
export { occlusion, occludeOne, type OcclusionOptions } from "./occlusion";
export { shapleyValues, shapleyWeight, type ShapleyOptions } from "./shapley";
export { attributionRows } from "./rows";
