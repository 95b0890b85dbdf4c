// Search by pasting an error message (loaded on search.html only, after Sphinx's searchtools.js).
// Sphinx's search lists only the pages that hold every word of the query, so a Keras message
// pasted from the reader's own notebook, with their own layer and model names ('lstm_7',
// 'my_model'), matched no page. Here the words the book holds nowhere are left out of the
// query, by Sphinx's own rule for a match (the word, or for 3+ letters a term containing it);
// a query made only of such words is searched as typed (and finds nothing, as before).
//
// Then, a query that quotes the heading of an error gallery section (each heading is the
// start of a Keras message) lists that section first, linked by its anchor: ranked by words
// alone, a pasted message put pages that merely use the same words (shape, layer, input)
// above the gallery.
(() => {
  const GALLERY = "tools/02-error-gallery"; // and tools/02-error-gallery-more
  const words = (text) => text.toLowerCase().match(/[a-z0-9]+/g) || [];

  // The length of the longest run of words the two lists share, in order.
  const sharedRun = (a, b) => {
    let best = 0;
    let previous = new Array(b.length + 1).fill(0);
    for (let i = 1; i <= a.length; i++) {
      const row = new Array(b.length + 1).fill(0);
      for (let j = 1; j <= b.length; j++) {
        if (a[i - 1] === b[j - 1]) {
          row[j] = previous[j - 1] + 1;
          best = Math.max(best, row[j]);
        }
      }
      previous = row;
    }
    return best;
  };

  // The gallery section whose heading the query quotes most of: {file, id, title}, or null.
  // A heading counts when the query shares a run of at least 5 of its words (or all of a
  // shorter heading, of 3 words or more); the longest run wins, then the heading it covers most.
  const quotedSection = (query) => {
    const asked = words(query);
    if (asked.length < 3) return null;
    const { docnames, alltitles } = Search._index;
    let best = null;
    for (const [title, places] of Object.entries(alltitles || {})) {
      const heading = words(title);
      if (heading.length < 3) continue;
      for (const [file, id] of places) {
        if (id === null || !docnames[file].startsWith(GALLERY)) continue;
        const run = sharedRun(asked, heading);
        if (run < Math.min(5, heading.length)) continue;
        const rank = [run, run / heading.length];
        if (!best || rank[0] > best.rank[0] || (rank[0] === best.rank[0] && rank[1] > best.rank[1]))
          best = { file, id, title, rank };
      }
    }
    return best;
  };

  let quoted = null;
  const performSearch = Search._performSearch;
  Search._performSearch = (query, ...rest) => {
    quoted = quotedSection(query);
    return performSearch(query, ...rest);
  };

  const inIndex = (word) => {
    const { terms, titleterms } = Search._index;
    const holds = (index) =>
      Object.hasOwn(index, word) ||
      (word.length > 2 && Object.keys(index).some((term) => term.includes(word)));
    return holds(terms) || holds(titleterms);
  };
  const searchTerms = Search.performTermsSearch;
  Search.performTermsSearch = (terms, excluded) => {
    const known = new Set([...terms].filter(inIndex));
    const results = searchTerms(known.size ? known : terms, excluded);
    if (quoted) {
      const { docnames, titles, filenames } = Search._index;
      const docname = docnames[quoted.file];
      // The quoted section is listed even when some word of the query is not on its page.
      if (!results.some((result) => result[0] === docname))
        results.push([docname, titles[quoted.file], "", null, 0, filenames[quoted.file], "text"]);
    }
    return results;
  };

  const score = Scorer.score;
  Scorer.score = (result) => {
    const base = score ? score(result) : result[4];
    if (!quoted || result[0] !== Search._index.docnames[quoted.file]) return base;
    // Link the section, not the top of its page (the result's fields are Sphinx's own).
    const page = Search._index.titles[quoted.file];
    result[1] = `${page} > ${quoted.title}`;
    result[2] = `#${quoted.id}`;
    return base + 1_000_000;
  };
})();
