PP_SEARCH.text(8,[
"",
""]);
