window.YTD.tweets.part1 = [
  {
    "tweet" : {
      "retweeted" : false,
      "entities" : {
        "hashtags" : [ ],
        "symbols" : [ ],
        "user_mentions" : [ ],
        "urls" : [ ]
      },
      "favorite_count" : "1",
      "id_str" : "2010290587038650983",
      "truncated" : false,
      "retweet_count" : "0",
      "id" : "2010290587038650983",
      "created_at" : "Sun Jan 11 10:00:00 +0000 2026",
      "favorited" : false,
      "full_text" : "Kommunfullmäktige sänds direkt på måndag kl. 18.",
      "lang" : "sv"
    }
  }
]
