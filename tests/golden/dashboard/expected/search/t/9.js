PP_SEARCH.text(9,[
""]);
