// stopword ships no types; Parley uses its English and Dutch lists only.
declare module 'stopword' {
  export const eng: string[];
  export const nld: string[];
}
