/** Version of this labextension; a unit test keeps it equal to package.json. */
export const LABEXTENSION_VERSION = '0.1.0';
