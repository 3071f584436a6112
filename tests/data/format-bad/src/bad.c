/* A deliberately badly formatted file: the format check must refuse it. */
int   main(void){return 0;}
