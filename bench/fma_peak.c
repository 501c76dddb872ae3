/* Single-core FP32 FMA peak: 12 independent chains of 512-bit FMAs (where the CPU has AVX-512),
 * then of 256-bit FMAs. Each width is compiled for its own target and run only if the CPU has it.
 * gcc -O2 -o /tmp/fma_peak bench/fma_peak.c && /tmp/fma_peak */
#include <immintrin.h>
#include <stdio.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
#define ITERS 200000000L
#define DECL(T,S) T a0=S(0.1f),a1=S(0.2f),a2=S(0.3f),a3=S(0.4f),a4=S(0.5f),a5=S(0.6f),a6=S(0.7f),a7=S(0.8f),a8=S(0.9f),a9=S(1.0f),a10=S(1.1f),a11=S(1.2f);
#define BODY(F) a0=F(a0,x,y);a1=F(a1,x,y);a2=F(a2,x,y);a3=F(a3,x,y);a4=F(a4,x,y);a5=F(a5,x,y);a6=F(a6,x,y);a7=F(a7,x,y);a8=F(a8,x,y);a9=F(a9,x,y);a10=F(a10,x,y);a11=F(a11,x,y);
__attribute__((target("avx512f"))) static void peak512(void){
  DECL(__m512,_mm512_set1_ps) __m512 x=_mm512_set1_ps(0.9999999f), y=_mm512_set1_ps(1e-7f);
  double t0=now(); for(long n=0;n<ITERS;n++){ BODY(_mm512_fmadd_ps) } double t=now()-t0;
  __m512 s=_mm512_add_ps(_mm512_add_ps(_mm512_add_ps(a0,a1),_mm512_add_ps(a2,a3)),_mm512_add_ps(_mm512_add_ps(a4,a5),_mm512_add_ps(a6,a7)));
  s=_mm512_add_ps(s,_mm512_add_ps(_mm512_add_ps(a8,a9),_mm512_add_ps(a10,a11)));
  printf("512-bit FMA: %.1f GFLOP/s (%g)\n", ITERS*12.0*32/t/1e9, _mm512_reduce_add_ps(s));
}
__attribute__((target("avx2,fma"))) static void peak256(void){
  DECL(__m256,_mm256_set1_ps) __m256 x=_mm256_set1_ps(0.9999999f), y=_mm256_set1_ps(1e-7f);
  double t0=now(); for(long n=0;n<ITERS;n++){ BODY(_mm256_fmadd_ps) } double t=now()-t0;
  float b[8]; __m256 s=_mm256_add_ps(_mm256_add_ps(_mm256_add_ps(a0,a1),_mm256_add_ps(a2,a3)),_mm256_add_ps(_mm256_add_ps(a4,a5),_mm256_add_ps(a6,a7)));
  s=_mm256_add_ps(s,_mm256_add_ps(_mm256_add_ps(a8,a9),_mm256_add_ps(a10,a11))); _mm256_storeu_ps(b,s);
  printf("256-bit FMA: %.1f GFLOP/s (%g)\n", ITERS*12.0*16/t/1e9, b[0]);
}
int main(void){
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) peak512(); else printf("512-bit FMA: not on this CPU\n");
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) peak256(); else printf("256-bit FMA: not on this CPU\n");
  return 0;
}
