PP_SEARCH.meta({"version":1,"pages":7,"shards":1,"group":32,"word_max":32});
