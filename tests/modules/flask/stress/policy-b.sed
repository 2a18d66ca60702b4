# Stress policy B: domU_t may setscheduler on domU2_t, and setclaim while b_on.
/^role system_r;$/i allow domU_t domU2_t:domain2 setscheduler;\nif (b_on) {\n\tallow domU_t domU2_t:domain2 setclaim;\n}
