import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** An account. `email` is stored lower-cased; `passwordHash` is an argon2id PHC string. */
@Entity('users')
export class User {
  @PrimaryColumn('uuid')
  id: string;

  @Index('ux_users_email', { unique: true })
  @Column('text')
  email: string;

  @Column('text')
  name: string;

  @Column('text', { name: 'password_hash' })
  passwordHash: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
