// Search by pasting an error message (loaded on search.html only, after Sphinx's searchtools.js).
// Sphinx's search lists only the pages that hold every word of the query, so a Keras message
// pasted from the reader's own notebook, with their own layer and model names ('lstm_7',
// 'my_model'), matched no page. Here the words the book holds nowhere are left out of the
// query, by Sphinx's own rule for a match (the word, or for 3+ letters a term containing it);
// a query made only of such words is searched as typed (and finds nothing, as before).
(() => {
  const searchTerms = Search.performTermsSearch;
  const inIndex = (word) => {
    const { terms, titleterms } = Search._index;
    const holds = (index) =>
      Object.hasOwn(index, word) ||
      (word.length > 2 && Object.keys(index).some((term) => term.includes(word)));
    return holds(terms) || holds(titleterms);
  };
  Search.performTermsSearch = (terms, excluded) => {
    const known = new Set([...terms].filter(inIndex));
    return searchTerms(known.size ? known : terms, excluded);
  };
})();
