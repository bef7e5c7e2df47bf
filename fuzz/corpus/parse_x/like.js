window.YTD.like.part0 = [
  {
    "like" : {
      "tweetId" : "2018600000000000001",
      "fullText" : "Tack för bra service på medborgarkontoret!",
      "expandedUrl" : "https://twitter.com/i/web/status/2018600000000000001"
    }
  },
  {
    "like" : {
      "tweetId" : "2018600000000000002",
      "fullText" : "Fin skridskobana vid sjön",
      "expandedUrl" : "https://twitter.com/i/web/status/2018600000000000002"
    }
  }
]
