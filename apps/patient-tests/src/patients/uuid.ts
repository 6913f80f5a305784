const UUID_V4 =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** Ids are lower-case UUID v4 strings the server assigned; anything else cannot name a resource. */
export const isResourceId = (value: string) => UUID_V4.test(value);
