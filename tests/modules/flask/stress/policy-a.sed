# Stress policy A: domU_t may gettsc on domU2_t, and settsc while b_on.
/^role system_r;$/i allow domU_t domU2_t:domain2 gettsc;\nif (b_on) {\n\tallow domU_t domU2_t:domain2 settsc;\n}
