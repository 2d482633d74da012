/** Errors of model selection and model construction. @module */

/** Thrown for an unknown model name or suffix, or a model that cannot be built. */
export class ModelError extends Error {
  override name = "ModelError";
}
