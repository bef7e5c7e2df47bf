/* The copy check's measure, and the figures' percentile. */
#include "testlib.h"

#include "workflow/answers.h"
#include "workflow/stats.h"

static void same_text_is_one(void)
{
	CHECK(answers_similarity("biblioteket öppnar kl 10", "biblioteket öppnar kl 10") == 1.0);
	CHECK(answers_similarity("", "") == 0.0);
	CHECK(answers_similarity("", "hej") == 0.0);
}

static void shared_words_over_all_words(void)
{
	/* {a b c d} and {a b c e}: 3 shared of 5 distinct. */
	double s = answers_similarity("a b c d", "a b c e");

	CHECK(s > 0.59 && s < 0.61);
	/* Repeated words count once; order does not matter. */
	CHECK(answers_similarity("a a b", "b a") == 1.0);
	CHECK(answers_similarity("x y", "z w") == 0.0);
}

static void percentiles_interpolate(void)
{
	int64_t v[] = {10, 20, 30, 40};

	CHECK(stats_percentile(v, 4, 50) == 25.0);
	CHECK(stats_percentile(v, 4, 0) == 10.0);
	CHECK(stats_percentile(v, 4, 100) == 40.0);
	CHECK(stats_percentile(v, 1, 90) == 10.0);
	/* 90th of 10..40: rank 2.7, between 30 and 40. */
	CHECK(stats_percentile(v, 4, 90) > 36.9 && stats_percentile(v, 4, 90) < 37.1);
}

TEST_MAIN(T(same_text_is_one), T(shared_words_over_all_words), T(percentiles_interpolate))
