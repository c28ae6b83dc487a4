// microdata-node ships no types: the part the tests use (WHATWG microdata items as JSON).
declare module 'microdata-node' {
  export interface MicrodataItem {
    type?: string[];
    properties: Record<string, (string | MicrodataItem)[]>;
  }
  const microdata: { toJson(html: string, options?: { base?: string }): { items: MicrodataItem[] } };
  export default microdata;
}
